<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use Illuminate\Database\Schema\Blueprint;
use WHMCS\Database\Capsule;

/**
 * ServiceSingleSignOn: the portal login URL of the service's own publisher, through the
 * portal's OAuth (docs/AFLEXI-API.md#portal-oauth; the signing and the calls are the core's).
 *
 * One consumer per publisher, registered on the first click (a `delegate` consumer locked to
 * that publisher) and kept in mod_aflexi_sso_consumers with its secret encrypted by WHMCS's
 * encrypt(); every click after that is one oauth/request. The consumer secret and the token
 * are added to the call's secrets, so neither reaches a log, a message or an exception text.
 * Off when the product's "Single sign-on" setting (configoption2) is not ticked.
 */
final class SingleSignOn
{
    public const TABLE = 'mod_aflexi_sso_consumers';

    /** The product setting (position 2 in aflexi_ConfigOptions). */
    public const SETTING = 'configoption2';

    public function __construct(private Context $context)
    {
    }

    /** Whether the product offers single sign-on (WHMCS stores a ticked yesno as "on"). */
    public static function enabled(array $params): bool
    {
        return ($params[self::SETTING] ?? '') === 'on';
    }

    /**
     * Whether a publisher in this state (the service's record) may be logged in: active only,
     * so a suspended client does not reach the portal through WHMCS.
     */
    public static function offered(string $status): bool
    {
        return $status === PublisherRecords::ACTIVE;
    }

    /** The URL that logs the client into the portal as this service's publisher. */
    public function loginUrl(): string
    {
        $params = $this->context->params;
        if (!self::enabled($params)) {
            throw new ModuleError('Aflexi CDN: single sign-on is turned off for this product (module setting "Single sign-on").');
        }
        $serviceId = (int) ($params['serviceid'] ?? 0);
        $record = $this->context->records()->find($serviceId);
        if ($record === null || (string) $record->username === '' || !self::offered((string) $record->status)) {
            throw new ModuleError(sprintf('Aflexi CDN: service #%d has no active CDN account to log in to (not created yet, suspended or terminated).', $serviceId));
        }
        $publisher = (string) $record->username;
        $connection = $this->context->connection();
        $portal = $connection->portalUrl();
        try {
            $consumer = $this->consumer($serviceId, $publisher, $portal);
            $url = $this->context->client()->ssoLoginUrl($portal, $consumer['key'], $consumer['secret'], $publisher);
        } catch (\Aflexi\Exception $e) {
            throw $this->portalFailure($e, $portal);
        }
        $this->context->secrets->add(self::token($url));
        $this->context->note('sso_publisher', $publisher);
        return $url;
    }

    /**
     * The publisher's consumer: the stored one, else a new one registered and stored.
     *
     * @return array{key: string, secret: string}
     */
    private function consumer(int $serviceId, string $publisher, string $portal): array
    {
        self::ensureTable();
        $serverId = (int) ($this->context->params['serverid'] ?? 0);
        $where = ['server_id' => $serverId, 'publisher' => $publisher, 'portal' => $portal];
        $stored = $this->stored($where);
        if ($stored !== null) {
            $this->context->note('sso_consumer', 'reused');
            return $stored;
        }
        $systemUrl = (string) Capsule::table('tblconfiguration')->where('setting', 'SystemURL')->value('value');
        $callback = rtrim($systemUrl, '/') . '/clientarea.php?action=productdetails&id=' . $serviceId;
        $consumer = $this->context->client()->registerSsoConsumer($portal, $publisher, $callback);
        $this->context->secrets->add($consumer['secret']);
        // Two first clicks at once both register; the first row stays and both use it.
        Capsule::table(self::TABLE)->insertOrIgnore($where + [
            'consumer_key' => $consumer['key'],
            'consumer_secret' => encrypt($consumer['secret']),
            'created_at' => PublisherRecords::now(),
        ]);
        $this->context->note('sso_consumer', 'registered');
        return $this->stored($where) ?? throw new ModuleError('Aflexi CDN: the single sign-on consumer could not be stored.');
    }

    /**
     * The stored consumer for $where, its secret decrypted (and masked from then on), or null.
     *
     * @param array<string, mixed> $where
     * @return array{key: string, secret: string}|null
     */
    private function stored(array $where): ?array
    {
        $row = Capsule::table(self::TABLE)->where($where)->first();
        if ($row === null) {
            return null;
        }
        $secret = (string) decrypt((string) $row->consumer_secret);
        $this->context->secrets->add($secret);
        return ['key' => (string) $row->consumer_key, 'secret' => $secret];
    }

    /**
     * A portal failure in words for whoever clicked (a client or an admin: WHMCS shows errorMsg
     * to both): what happened at the portal, never the API's advice about the server record;
     * the core's own sentence goes to the module log.
     */
    private function portalFailure(\Aflexi\Exception $e, string $portal): ModuleError
    {
        $this->context->note('portal_error', get_class($e) . ': ' . $e->getMessage());
        $host = (string) parse_url($portal, PHP_URL_HOST);
        $what = match (true) {
            $e instanceof \Aflexi\AuthenticationException => 'the CDN portal refused the single sign-on request',
            $e instanceof \Aflexi\ConnectException, $e instanceof \Aflexi\TimeoutException => "the CDN portal ($host) could not be reached",
            $e instanceof \Aflexi\TransportException => "the CDN portal ($host) did not answer as expected",
            default => 'the single sign-on request could not be made',
        };
        return new ModuleError("Aflexi CDN: Login to CDN portal failed: $what. Please try again later; the module log has the details.", 0, $e);
    }

    /** The oauth_token of a login URL ('' if none). */
    private static function token(string $url): string
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        return is_string($query['oauth_token'] ?? null) ? $query['oauth_token'] : '';
    }

    public static function ensureTable(): void
    {
        Schema::table(self::TABLE, static function (Blueprint $table): void {
            $table->increments('id');
            $table->unsignedInteger('server_id')->default(0);
            $table->string('publisher', 191);
            $table->string('portal', 191);
            $table->string('consumer_key', 191);
            $table->text('consumer_secret');
            $table->dateTime('created_at')->nullable();
            $table->unique(['server_id', 'publisher', 'portal']);
        });
    }
}
