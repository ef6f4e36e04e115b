<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * A WHMCS server record turned into an Aflexi\Client.
 *
 * The server record holds the operator's credentials: hostname (a host, host:port or a full
 * URL; else the IP address) and the Secure tick box → endpoint, username → operator login,
 * password (else access hash) → auth key. TLS is always verified; timeouts are the extension's
 * INI defaults (aflexi.connect_timeout, aflexi.timeout, aflexi.operation_timeout). The
 * operator id remembered for the server (ServerRecords) is passed as `operator_id`, which
 * saves one API call per module call.
 */
final class Connection
{
    private ?\Aflexi\Client $client = null;
    private ?string $endpoint = null;
    private bool $operatorKnown = false;

    /** @param list<string> $secrets the server password and access hash */
    private function __construct(
        public readonly int $serverId,
        private readonly string $hostname,
        private readonly mixed $secure,
        public readonly string $login,
        private readonly string $authKey,
        private readonly array $secrets,
    ) {
    }

    /** From the server fields of a module call's $params. */
    public static function fromParams(array $params): self
    {
        $password = (string) ($params['serverpassword'] ?? '');
        $accessHash = trim((string) ($params['serveraccesshash'] ?? ''));
        return self::check(new self(
            (int) ($params['serverid'] ?? 0),
            trim((string) ($params['serverhostname'] ?? '')) ?: trim((string) ($params['serverip'] ?? '')),
            $params['serversecure'] ?? '',
            trim((string) ($params['serverusername'] ?? '')),
            trim($password) !== '' ? trim($password) : $accessHash,
            [$password, trim($password), $accessHash, (string) ($params['serveraccesshash'] ?? '')],
        ));
    }

    /** From a tblservers row (hooks): read by ServerCredentials, the stored password decrypted there. */
    public static function fromServerId(int $serverId): self
    {
        $row = ServerCredentials::row($serverId);
        if ($row === null) {
            throw new ModuleError(sprintf(
                'Aflexi CDN: server record #%d does not exist. Assign an Aflexi server to the service (Products/Services > the service > Server).',
                $serverId
            ));
        }
        if (!ServerCredentials::isAflexi($row)) {
            throw new ModuleError(sprintf(
                'Aflexi CDN: server record #%d is of type "%s", not "aflexi". Assign an Aflexi server to the service.',
                $serverId,
                (string) ($row->type ?? '')
            ));
        }
        $params = ServerCredentials::params($row);
        if ((string) ($row->password ?? '') !== '' && $params['serverpassword'] === '') {
            throw self::unreadablePassword(sprintf('server record #%d', $serverId)); // a short value never encrypted
        }
        return self::fromParams($params);
    }

    /**
     * Whether a decrypted password is text. WHMCS's decrypt() of a value that was never
     * encrypted (a password written to tblservers by SQL or by another tool) returns bytes
     * when it is long ('' when short), not an error; used as the auth key they would fail on
     * Aflexi with a misleading "wrong key", or worse pass along unnoticed.
     */
    public static function readable(string $password): bool
    {
        return mb_check_encoding($password, 'UTF-8') && preg_match('/[\x00-\x1F\x7F]/', $password) !== 1;
    }

    private static function unreadablePassword(string $which): ModuleError
    {
        return new ModuleError("Aflexi CDN: the password of $which cannot be used: WHMCS cannot decrypt it, so it was not "
            . 'saved through WHMCS (for example written to the database directly). Enter the operator\'s Aflexi auth key '
            . 'again in the server record\'s Password field and save it.');
    }

    private static function check(self $c): self
    {
        $which = $c->serverId > 0 ? sprintf('server record #%d', $c->serverId) : 'the server record';
        if (!self::readable(trim($c->secrets[0] ?? ''))) {
            throw self::unreadablePassword($which);
        }
        if ($c->hostname === '') {
            throw new ModuleError("Aflexi CDN: $which has no hostname or IP address. Enter the Aflexi API host "
                . '(for example api.aflexi.net, or a full https://HOST/core/xmlrpc URL) as its hostname, and tick Secure for https.');
        }
        if ($c->login === '') {
            throw new ModuleError("Aflexi CDN: $which has no username. Enter the Aflexi operator login as its username.");
        }
        if ($c->authKey === '') {
            throw new ModuleError("Aflexi CDN: $which has no password or access hash. Enter the operator's Aflexi auth key "
                . '(Aflexi portal: Tools > AuthKey Generator) as its password.');
        }
        return $c;
    }

    /** The values to mask in logs and messages: auth key, server password, access hash. */
    public function secrets(): array
    {
        return array_merge([$this->authKey], $this->secrets);
    }

    /** The API endpoint URL (needs the extension). */
    public function endpoint(): string
    {
        if ($this->endpoint === null) {
            Extension::require();
            try {
                $this->endpoint = \Aflexi\endpoint_from_server($this->hostname, $this->secure);
            } catch (\Aflexi\InvalidInputException $e) {
                throw new ModuleError(sprintf(
                    'Aflexi CDN: the server hostname "%s" is not a usable Aflexi API address (%s). Enter a host name, host:port, or a full https://HOST/core/xmlrpc URL.',
                    $this->hostname,
                    $e->getMessage()
                ), 0, $e);
            }
        }
        return $this->endpoint;
    }

    /** The client, made on first use. */
    public function client(): \Aflexi\Client
    {
        if ($this->client === null) {
            $endpoint = $this->endpoint();
            $options = ['verify_tls' => true];
            $operatorId = (new ServerRecords())->operatorId($this->serverId, $endpoint, $this->login);
            if ($operatorId !== null) {
                $options['operator_id'] = $operatorId;
                $this->operatorKnown = true;
            }
            $this->client = new \Aflexi\Client($endpoint, $this->login, $this->authKey, $options);
        }
        return $this->client;
    }

    /** Remembers the operator id for this server (from verifyCredentials, or known already). */
    public function rememberOperatorId(int $operatorId): void
    {
        (new ServerRecords())->rememberOperator($this->serverId, $this->endpoint(), $this->login, $operatorId);
        $this->operatorKnown = true;
    }

    /**
     * After a successful call: remembers the operator id if it was not yet. The client has
     * looked the operator up during the call, so this costs no further API call.
     */
    public function rememberOperator(): void
    {
        if ($this->client === null || $this->operatorKnown || $this->serverId <= 0) {
            return;
        }
        $operator = $this->client->operator();
        $this->rememberOperatorId((int) $operator['id']);
    }

    /** The operator's portal URL: remembered for an hour, else read from Aflexi. */
    public function portalUrl(): string
    {
        $records = new ServerRecords();
        $url = $records->portalUrl($this->serverId, $this->endpoint(), $this->login);
        if ($url === null) {
            $url = $this->client()->portalUrl();
            $records->rememberPortalUrl($this->serverId, $this->endpoint(), $this->login, $url);
        }
        return $url;
    }

    /**
     * The API calls made since the last take (method, params with passwords redacted,
     * outcome, elapsed_ms).
     *
     * @return list<array<string, mixed>>
     */
    public function takeCallLog(): array
    {
        return $this->client === null ? [] : $this->client->takeCallLog();
    }
}
