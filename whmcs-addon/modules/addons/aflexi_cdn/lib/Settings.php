<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\ServerCredentials;

/**
 * The addon's settings (tbladdonmodules rows of `aflexi_cdn`, tests/whmcs/README.md#addon-settings) and what follows from them:
 * which Aflexi operator account to use (a WHMCS server record of type aflexi, else the
 * explicit endpoint/login/auth key), the concurrency and time budgets.
 */
final class Settings
{
    public const MODULE = 'aflexi_cdn';

    /** @param array<string, string> $values setting => value */
    public function __construct(private readonly array $values)
    {
    }

    /** From the module's $vars (_output, _sidebar): values already usable. */
    public static function fromVars(array $vars): self
    {
        return new self(array_map(static fn ($v): string => is_scalar($v) ? (string) $v : '', $vars));
    }

    /** From tbladdonmodules (hooks, cron). The auth key may be stored encrypted or plain (tests/whmcs/README.md#addon-settings). */
    public static function load(): self
    {
        $values = Capsule::table('tbladdonmodules')->where('module', self::MODULE)->pluck('value', 'setting')->all();
        $values = array_map('strval', $values);
        if (($values['authkey'] ?? '') !== '') {
            $plain = (string) decrypt($values['authkey']);
            if ($plain !== '' && preg_match('/^[\x20-\x7E]+$/', $plain) === 1) {
                $values['authkey'] = $plain;
            }
        }
        return new self($values);
    }

    /** Whether the addon is active (its version row exists). */
    public static function active(): bool
    {
        return Capsule::table('tbladdonmodules')->where('module', self::MODULE)->where('setting', 'version')->exists();
    }

    public function get(string $key, string $default = ''): string
    {
        $value = trim($this->values[$key] ?? '');
        return $value === '' ? $default : $value;
    }

    public function int(string $key, int $default, int $min, int $max): int
    {
        $value = $this->get($key);
        return is_numeric($value) ? max($min, min($max, (int) $value)) : $default;
    }

    public function yes(string $key): bool
    {
        return in_array(strtolower($this->get($key)), ['on', '1', 'yes', 'true'], true);
    }

    /**
     * The core's defaults and bounds of the settings (Aflexi\defaults()). Without that function
     * (the configuration page of a WHMCS whose extension is not installed yet, or an older one)
     * the same numbers from here, so that the page still renders.
     *
     * @return array<string, array{default: int, min: int|float, max: int|float}>
     */
    public static function defaults(): array
    {
        if (function_exists('Aflexi\defaults')) {
            return \Aflexi\defaults();
        }
        return [
            'concurrency' => ['default' => 16, 'min' => 1, 'max' => 256],
            'step_seconds' => ['default' => 10, 'min' => 1, 'max' => 20],
            'cron_seconds' => ['default' => 60, 'min' => 5, 'max' => 600],
        ];
    }

    /** A whole-number setting within the core's bounds for it, else the core's default. */
    private function bounded(string $key): int
    {
        ['default' => $default, 'min' => $min, 'max' => $max] = self::defaults()[$key];
        return $this->int($key, (int) $default, (int) $min, (int) $max);
    }

    /** The admin role WHMCS installs as "Full Administrator" (https://docs.whmcs.com/Administrator_Roles: Full, Sales, Support Only). */
    public const FULL_ADMINISTRATOR_ROLE = 1;

    /**
     * The admin role ids (tbladmins.roleid) allowed to see a stored password: the setting
     * "Roles shown passwords", comma-separated ids; the Full Administrator role when it is
     * empty. A value that is not a list of ids allows nobody rather than guessing.
     *
     * @return list<int>
     */
    public function passwordRoles(): array
    {
        $value = $this->get('password_roles', (string) self::FULL_ADMINISTRATOR_ROLE);
        $ids = array_map('trim', explode(',', $value));
        foreach ($ids as $id) {
            if (!ctype_digit($id)) {
                return [];
            }
        }
        return array_values(array_unique(array_map('intval', $ids)));
    }

    public function concurrency(): int
    {
        return $this->bounded('concurrency');
    }

    /**
     * Time budget of one Save Settings step (ms). 10 s by default: each step ends with its last
     * batch stored and no API call in flight, so shorter steps cost more (10,000 services at
     * 20 ms: 1.22x the bound N·RTT/C with 10 s steps, 1.35x with 3 s; docs/BENCHMARKS.md).
     */
    public function stepBudgetMs(): int
    {
        return $this->bounded('step_seconds') * 1000;
    }

    /** Time budget of one cron reconcile (ms). */
    public function cronBudgetMs(): int
    {
        return $this->bounded('cron_seconds') * 1000;
    }

    /** The server record id of the operator account, 0 for the explicit settings. */
    public function serverId(): int
    {
        $chosen = $this->get('server');
        if ($chosen !== '' && ctype_digit($chosen)) {
            return (int) $chosen;
        }
        if ($chosen === '' && $this->get('endpoint') === '') {
            return self::defaultServerId();
        }
        return 0;
    }

    /**
     * The operator account as WHMCS hands a server record to a module (server* params, the
     * password decrypted: ServerCredentials), for the shared call wrapper (ModuleCall /
     * Connection::fromParams).
     *
     * @return array<string, mixed>
     */
    public function connectionParams(): array
    {
        $row = ServerCredentials::row($this->serverId());
        if ($row !== null && ServerCredentials::isAflexi($row)) {
            return ServerCredentials::params($row);
        }
        $endpoint = $this->get('endpoint');
        return [
            'serverid' => 0,
            'serverhostname' => $endpoint,
            'serversecure' => str_starts_with(strtolower($endpoint), 'http://') ? '' : 'on',
            'serverusername' => $this->get('login'),
            'serverpassword' => $this->get('authkey'),
        ];
    }

    /** The first active, enabled server record of type aflexi, or 0. */
    public static function defaultServerId(): int
    {
        return (int) Capsule::table('tblservers')->where('type', 'aflexi')->where('disabled', 0)
            ->orderByDesc('active')->orderBy('id')->value('id');
    }

    /** defaultServerId(), or 0 when the database cannot be read (the config is also read outside a request). */
    public static function safeDefaultServerId(): int
    {
        try {
            return self::defaultServerId();
        } catch (\Throwable) {
            return 0;
        }
    }

    /** @return array<string, string> the dropdown of Aflexi server records (id => label) */
    public static function serverOptions(): array
    {
        $options = [];
        try {
            foreach (Capsule::table('tblservers')->where('type', 'aflexi')->orderByDesc('active')->orderBy('id')->get() as $row) {
                $options[(string) $row->id] = sprintf('%s (%s)', html_entity_decode((string) $row->name, ENT_QUOTES, 'UTF-8'), (string) ($row->hostname ?: $row->ipaddress));
            }
        } catch (\Throwable) {
            // No database yet: only the explicit settings.
        }
        $options['explicit'] = 'None: use the endpoint, login and auth key below';
        return $options;
    }
}
