<?php
/**
 * The demo's last word: each WHMCS service next to its Aflexi publisher, and whether they
 * agree by the product documents' rules, written out here on their own (not the module's or
 * the addon's code) so that the table judges them:
 *
 *   server module: Active → ACTIVE; Suspended → SUSPENDED; client closed → SUSPENDED;
 *                  Terminated, or deleted with its client → DELETED; Pending → nothing;
 *   addon:         CDN-enabled paid product, service and client Active, no refunded/
 *                  cancelled invoice → ACTIVE; synchronized before but not any more
 *                  (client closed or deleted, invoice reversed) → SUSPENDED; free → nothing;
 *   package:       module: its "Package name" setting, else the product name;
 *                  addon: the hosting package (module setting), else the product name.
 */

declare(strict_types=1);

namespace AflexiDemo;

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Schema as AddonSchema;

final class Rules
{
    /** @var array<int, array{client: string, package: string, username: string}> what WHMCS showed before the service was deleted */
    private array $remembered = [];

    public function __construct(private readonly AflexiView $aflexi, private readonly Narrator $n)
    {
    }

    /** tblhosting + client name/status + product name/setting/paytype, or null when the service is gone. */
    public static function service(int $serviceId): ?object
    {
        return Capsule::table('tblhosting as h')
            ->join('tblclients as c', 'c.id', '=', 'h.userid')
            ->join('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->where('h.id', $serviceId)
            ->select(['h.*', 'c.firstname', 'c.email', 'c.status as client_status', 'p.name as product', 'p.configoption1 as package_setting', 'p.paytype'])
            ->first();
    }

    /** @param list<int> $serviceIds @return list<string|null> their WHMCS statuses */
    public static function statuses(array $serviceIds): array
    {
        return array_map(static fn (int $id): ?string => self::service($id)?->domainstatus, $serviceIds);
    }

    /** Keeps what WHMCS shows of these services, for the table after they are deleted. @param list<int> $serviceIds */
    public function remember(array $serviceIds): void
    {
        foreach ($serviceIds as $id) {
            $row = self::service($id);
            if ($row !== null) {
                $this->remembered[$id] = ['client' => $row->firstname, 'package' => self::package($row), 'username' => (string) $row->username];
            }
        }
    }

    /**
     * Prints the table and checks every row's agreement.
     *
     * @param array{module: list<int>, addon: list<int>} $services
     */
    public function sideBySide(array $services): void
    {
        $rows = [];
        foreach (['module' => 'module', 'addon' => 'addon'] as $kind) {
            foreach ($services[$kind] as $id) {
                $rows[] = $this->row($kind, $id);
            }
        }
        $this->n->table(
            ['service', 'via', 'client', 'WHMCS status', 'WHMCS package', 'username', 'Aflexi status', 'Aflexi package', 'publisher', 'agree'],
            array_map(static fn (array $r): array => $r['cells'], $rows),
            6
        );
        echo "\n";
        foreach ($rows as $r) {
            $this->n->check($r['agree'], $r['why']);
        }
    }

    /** @return array{cells: list<string>, agree: bool, why: string} */
    private function row(string $kind, int $id): array
    {
        $row = self::service($id);
        $record = $kind === 'addon' ? Capsule::table(AddonSchema::PUBLISHERS)->where('service_id', $id)->first() : null;
        if ($row !== null) {
            $client = $row->firstname;
            $package = self::package($row);
            $username = $kind === 'module' ? (string) $row->username : (string) ($record->username ?? ($row->username ?: '(none)'));
            $reversed = self::reversedInvoice($id);
            $status = $row->domainstatus . ($row->client_status !== 'Active' ? " (client {$row->client_status})" : '')
                . ($row->paytype === 'free' ? ' (free product)' : '')
                . ($reversed !== null ? " (invoice $reversed)" : '');
        } else {
            ['client' => $client, 'package' => $package, 'username' => $username] = $this->remembered[$id]
                ?? ['client' => '?', 'package' => '?', 'username' => (string) ($record->username ?? '?')];
            $status = 'gone (client deleted)';
        }
        $expected = $kind === 'module' ? self::moduleExpects($row) : self::addonExpects($row, $record);
        $p = $this->aflexi->publisher($username);
        $agree = $expected === null ? $p === null : ($p !== null && $p['status'] === $expected && $p['package'] === $package);
        $aflexiStatus = $p['status'] ?? '—';
        $why = "service #$id ($client, $kind): WHMCS $status, expected on Aflexi: " . ($expected === null ? 'nothing' : "$expected on '$package'")
            . ', Aflexi has: ' . ($p === null ? 'nothing' : "{$p['status']} on '{$p['package']}'");
        return [
            'cells' => ["#$id", $kind, $client, $status, $package, $username, $aflexiStatus, $p['package'] ?? '—',
                $p === null ? '—' : "#{$p['id']}", $agree ? '✓' : '✗'],
            'agree' => $agree,
            'why' => $why,
        ];
    }

    /** "#N Refunded" when the service's latest invoice was refunded or cancelled, else null. */
    private static function reversedInvoice(int $serviceId): ?string
    {
        $invoice = Capsule::table('tblinvoiceitems as i')->join('tblinvoices as v', 'v.id', '=', 'i.invoiceid')
            ->where('i.type', 'Hosting')->where('i.relid', $serviceId)->orderByDesc('v.id')->select(['v.id', 'v.status'])->first();
        return $invoice !== null && in_array($invoice->status, ['Refunded', 'Cancelled'], true) ? "#{$invoice->id} {$invoice->status}" : null;
    }

    private static function package(object $row): string
    {
        $setting = trim((string) $row->package_setting);
        return $setting !== '' ? $setting : (string) $row->product;
    }

    private static function moduleExpects(?object $row): ?string
    {
        if ($row === null) {
            return 'DELETED';
        }
        if ($row->client_status === 'Closed') {
            return 'SUSPENDED';
        }
        return match ($row->domainstatus) {
            'Active' => 'ACTIVE',
            'Suspended' => 'SUSPENDED',
            'Terminated' => 'DELETED',
            default => null,
        };
    }

    private static function addonExpects(?object $row, ?object $record): ?string
    {
        if ($row !== null && $row->paytype === 'free') {
            return null;
        }
        $enabled = $row !== null && Capsule::table(AddonSchema::PRODUCTS)->where('product_id', $row->packageid)->exists();
        if ($enabled && $row->domainstatus === 'Active' && $row->client_status === 'Active' && self::reversedInvoice((int) $row->id) === null) {
            return 'ACTIVE';
        }
        return $record !== null && $record->publisher_id !== null ? 'SUSPENDED' : null;
    }
}
