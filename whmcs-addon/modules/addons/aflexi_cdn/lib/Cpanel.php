<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Connection;
use WHMCS\Module\Server\Aflexi\ServerCredentials;
use WHMCS\Module\Server\Aflexi\Text;

/**
 * The "cPanel CDN feature" step of a sync: for every CDN-enabled product provisioned by the
 * `cpanel` server module, the cPanel package it sells (tblproducts.configoption1, the module's
 * "Package Name") gets Aflexi's cPanel plugin (the feature `cdn`) on in its WHM feature list,
 * once per distinct (cPanel server, package). The servers are those the product's services
 * are on, plus its server group's (else the default cPanel server). The WHM work is the extension's (Aflexi\Whm, logic in
 * aflexi-core); this class picks the targets, reads the server records and records results.
 *
 * Nothing here can fail the Aflexi sync: every problem becomes a `failed` row of the report.
 * Products that are not CDN-enabled (or stop being) are left alone: the feature is never
 * switched off by the addon. Results of a run are kept in mod_aflexi_cdn_cpanel.
 */
final class Cpanel
{
    public const TABLE = Schema::CPANEL;
    private const MODULE = 'aflexi_cdn';

    /**
     * Runs the step for the CDN-enabled products; stores and returns one result per (server,
     * package): server_id, server, package, products, status (already_on, enabled, created,
     * failed), featurelist, error.
     *
     * @return list<array<string, mixed>>
     */
    public function run(int $runId = 0): array
    {
        try {
            $results = $this->ensureAll();
        } catch (\Throwable $e) {
            // A database or harness problem: reported, never thrown into the sync.
            $results = [['server_id' => 0, 'server' => '', 'package' => '', 'products' => '', 'status' => 'failed',
                'featurelist' => null, 'error' => 'cPanel CDN feature step: ' . $e->getMessage()]];
        }
        try {
            self::store($runId, $results);
        } catch (\Throwable) {
            // The results are still returned to the caller.
        }
        return $results;
    }

    /** @return list<\stdClass> the stored results of a run */
    public static function results(int $runId): array
    {
        try {
            Schema::ensure();
            return Capsule::table(self::TABLE)->where('run_id', $runId)->orderBy('id')->get()->all();
        } catch (\Throwable) {
            return [];
        }
    }

    /** @return list<array<string, mixed>> */
    private function ensureAll(): array
    {
        $enabled = array_keys(Catalog::enabled());
        if ($enabled === []) {
            return [];
        }
        $products = Capsule::table('tblproducts')->whereIn('id', $enabled)->whereRaw('lower(servertype) = ?', ['cpanel'])
            ->orderBy('id')->get(['id', 'name', 'servergroup', 'configoption1'])->all();
        $targets = [];
        $results = [];
        foreach ($products as $product) {
            $package = trim((string) $product->configoption1);
            $label = sprintf('%s (#%d)', html_entity_decode((string) $product->name, ENT_QUOTES, 'UTF-8'), (int) $product->id);
            $servers = $this->serversOf($product);
            if ($package === '' || $servers === []) {
                $results[] = ['server_id' => 0, 'server' => '', 'package' => $package, 'products' => $label, 'status' => 'failed',
                    'featurelist' => null, 'error' => $package === ''
                        ? 'The product has no cPanel package: set Module Settings > Package Name.'
                        : 'No cPanel server record (Setup > Servers, type cPanel) to turn the feature on.'];
                continue;
            }
            foreach ($servers as $serverId) {
                $targets["$serverId\0$package"]['products'][] = $label;
                $targets["$serverId\0$package"] += ['server_id' => $serverId, 'package' => $package];
            }
        }
        foreach ($targets as $target) {
            $results[] = $this->ensure((int) $target['server_id'], (string) $target['package'], implode(', ', $target['products']));
        }
        return $results;
    }

    /** @return list<int> the enabled cPanel server records of the product's services and server group, else the default one */
    private function serversOf(object $product): array
    {
        $ids = Capsule::table('tblhosting')->where('packageid', $product->id)->where('server', '>', 0)
            ->whereIn('domainstatus', ['Active', 'Suspended', 'Pending'])->distinct()->pluck('server')->all();
        if ((int) $product->servergroup > 0 && Capsule::schema()->hasTable('tblservergroupsrel')) {
            $ids = array_merge($ids, Capsule::table('tblservergroupsrel')->where('groupid', $product->servergroup)->pluck('serverid')->all());
        }
        $ids = array_values(array_unique(array_map('intval', $ids)));
        $cpanel = Capsule::table('tblservers')->whereRaw('lower(type) = ?', ['cpanel'])->where('disabled', 0);
        if ($ids === []) {
            // No service and no group yet: WHMCS would provision on the default cPanel server.
            $default = (int) (clone $cpanel)->orderByDesc('active')->orderBy('id')->value('id');
            return $default > 0 ? [$default] : [];
        }
        return array_map('intval', $cpanel->whereIn('id', $ids)->orderBy('id')->pluck('id')->all());
    }

    /** @return array<string, mixed> */
    private function ensure(int $serverId, string $package, string $products): array
    {
        $row = Capsule::table('tblservers')->where('id', $serverId)->first();
        $name = html_entity_decode((string) ($row->name ?? ''), ENT_QUOTES, 'UTF-8') ?: ('#' . $serverId);
        $base = ['server_id' => $serverId, 'server' => $name, 'package' => $package, 'products' => $products];
        $secrets = [];
        try {
            // As WHMCS hands a server to a module: the password decrypted (WHMCS encrypts it),
            // the access hash (API token) as stored (WHMCS keeps it as entered).
            $password = ServerCredentials::password((string) ($row->password ?? ''));
            if (!Connection::readable($password)) {
                throw new \RuntimeException(sprintf('the password of server record #%d cannot be read (WHMCS decrypted it to unreadable bytes: it was not saved through WHMCS); enter it again in the server record', $serverId));
            }
            $accessHash = (string) ($row->accesshash ?? '');
            $secrets = array_values(array_filter([$password, $accessHash, preg_replace('/\s+/', '', $accessHash),
                (string) ($row->password ?? ''), (string) ($row->accesshash ?? '')], static fn ($s) => strlen((string) $s) >= 3));
            if (!class_exists(\Aflexi\Whm::class)) {
                throw new \RuntimeException('the PHP extension aflexi (with Aflexi\Whm) is not loaded');
            }
            $whm = new \Aflexi\Whm([
                'hostname' => (string) ($row->hostname ?? ''), 'ipaddress' => (string) ($row->ipaddress ?? ''),
                'port' => (int) ($row->port ?? 0), 'secure' => (string) ($row->secure ?? ''),
                'username' => (string) ($row->username ?? ''), 'accesshash' => $accessHash, 'password' => $password,
            ]);
            $result = $whm->ensureFeature($package);
        } catch (\Throwable $e) {
            $result = ['status' => 'failed', 'featurelist' => null, 'error' => $e->getMessage(), 'calls' => []];
        }
        $out = $base + [
            'status' => (string) ($result['status'] ?? 'failed'),
            'featurelist' => $result['featurelist'] ?? null,
            'error' => self::mask(isset($result['error']) ? (string) $result['error'] : null, $secrets),
        ];
        if (function_exists('logModuleCall')) {
            logModuleCall(self::MODULE, 'CpanelFeature', ['server' => $name, 'package' => $package],
                ['calls' => $result['calls'] ?? []], $out, $secrets);
        }
        return $out;
    }

    /** @param list<string> $secrets */
    private static function mask(?string $text, array $secrets): ?string
    {
        return $text === null ? null : str_replace($secrets, '[redacted]', $text);
    }

    /** @param list<array<string, mixed>> $results */
    private static function store(int $runId, array $results): void
    {
        Schema::ensure();
        $now = date('Y-m-d H:i:s');
        Capsule::table(self::TABLE)->where('run_id', $runId)->delete();
        $short = static fn (mixed $text): string => Text::storable(mb_substr((string) $text, 0, 191));
        foreach ($results as $r) {
            Capsule::table(self::TABLE)->insert([
                'run_id' => $runId, 'server_id' => (int) $r['server_id'], 'server' => $short($r['server']),
                'package' => $short($r['package']), 'products' => $short($r['products']),
                'status' => (string) $r['status'], 'featurelist' => $r['featurelist'] === null ? null : $short($r['featurelist']),
                'error' => $r['error'] === null ? null : Text::cap((string) $r['error']), 'created_at' => $now,
            ]);
        }
    }
}
