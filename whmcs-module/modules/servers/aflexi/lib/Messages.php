<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * Turns any failure into a message an administrator can act on: what failed and what to
 * check. It decides by the exception's class only (the extension throws one class per kind of
 * failure), never by its text. The message never quotes what came from outside the module's
 * own rules: no API fault text (it may hold HTML or echo the request), no endpoint or login,
 * no SQL. That raw detail goes to the module log only (ModuleCall::log records the exception).
 */
final class Messages
{
    /** $connection is no longer read (the endpoint is not quoted); callers may still pass it. */
    public static function describe(\Throwable $e, string $action, ?Connection $connection = null): string
    {
        $what = self::actionWords($action);
        $log = ' The module log has the details.';
        $retry = ' Then ' . self::retryHint($action);

        if ($e instanceof ModuleError) {
            return trim($e->getMessage());
        }
        // These two messages are the extension's own sentences (the login, the username and the
        // fault code at most, never the API's text): shown to the administrator as they are.
        $own = Text::cap(trim($e->getMessage()), 500);
        if ($e instanceof \Aflexi\AuthenticationException) {
            return "Aflexi CDN: $what failed: the Aflexi API did not accept the operator credentials ($own). "
                . 'Check the server record: username = the Aflexi operator login, password (or access hash) = its auth key, and that the account is an OPERATOR.';
        }
        if ($e instanceof \Aflexi\NotFoundException) {
            return "Aflexi CDN: $what failed: $own. "
                . 'Run Create to create the CDN account again, or Resync to re-read it from Aflexi; if the account was moved on Aflexi, check it in the Aflexi portal.';
        }
        if ($e instanceof \Aflexi\RedirectException) {
            // The core's sentence names the target as a parsed URL (percent-encoded, at most 300
            // characters): the administrator needs it to fix the server record. Never followed.
            return "Aflexi CDN: $what failed: $own. The request was not sent there (it carries the auth key): "
                . 'if that address is right, put it in the server record\'s hostname (a full https://HOST/core/xmlrpc URL is accepted).' . $retry;
        }
        if ($e instanceof \Aflexi\TransportException) {
            return "Aflexi CDN: $what failed: " . self::transportWords($e) . $log . $retry;
        }
        if ($e instanceof \Aflexi\FaultException) {
            return "Aflexi CDN: $what failed: the Aflexi API refused the request (fault " . $e->getCode() . '). '
                . 'Check the CDN account and its package in the Aflexi portal.' . $log . $retry;
        }
        if ($e instanceof \Aflexi\InvalidInputException) {
            // The extension's own sentence naming the value (never a secret, never API text).
            return "Aflexi CDN: $what failed: " . Text::cap(trim($e->getMessage()), 300)
                . '. Correct that value in WHMCS (service, client or product settings) and run it again.';
        }
        if ($e instanceof \Aflexi\Exception) {
            return "Aflexi CDN: $what failed in the Aflexi extension." . $log;
        }
        if ($e instanceof \PDOException || is_a($e, 'Illuminate\Database\QueryException')) {
            return "Aflexi CDN: $what failed on a WHMCS database query. Check the database connection and the privileges of the WHMCS database user (CREATE for the module tables)." . $log;
        }
        return "Aflexi CDN: $what failed unexpectedly (" . get_class($e) . ').' . $log;
    }

    /** What to check for each kind of transport failure (the extension's classes). */
    private static function transportWords(\Aflexi\TransportException $e): string
    {
        $reach = 'Check the server record\'s hostname and Secure setting, and that this WHMCS host can reach the API (firewall, proxy).';
        return match (true) {
            $e instanceof \Aflexi\DnsException => 'the Aflexi API could not be reached: its host name does not resolve. Check the server record\'s hostname and this host\'s DNS.',
            $e instanceof \Aflexi\ConnectionRefusedException => 'the Aflexi API could not be reached: the host refused the connection. Check the server record\'s hostname, port and Secure setting.',
            $e instanceof \Aflexi\TlsException => 'the Aflexi API could not be reached: the TLS handshake failed (certificate not trusted or wrong name). Check the server record\'s hostname and Secure setting, and the host\'s CA certificates.',
            $e instanceof \Aflexi\ConnectException => 'the Aflexi API could not be reached. ' . $reach,
            $e instanceof \Aflexi\TimeoutException => 'the Aflexi API did not answer in time. ' . $reach . ' Check the aflexi.timeout / aflexi.operation_timeout PHP settings.',
            $e instanceof \Aflexi\HttpStatusException => 'the Aflexi API answered HTTP ' . $e->getCode() . '. ' . $reach,
            $e instanceof \Aflexi\ResponseTooLargeException => 'the Aflexi API answer was larger than the size limit; repeating it cannot help. Ask in smaller parts (fewer services per run).',
            $e instanceof \Aflexi\ProtocolException => 'the Aflexi API answered something that is not a valid answer of the expected shape. Check that the server record points at the Aflexi XML-RPC API.',
            default => 'the connection to the Aflexi API broke. ' . $reach,
        };
    }

    /** What to do once the cause is fixed, for an action (module function or hook). */
    public static function retryHint(string $action): string
    {
        return match ($action) {
            'ClientClose' => 'run Suspend on the client\'s CDN services (repeating it is safe).',
            'PreDeleteClient', 'ClientDelete' => 'the client is deleted from WHMCS, so terminate the CDN account named in this entry in the Aflexi portal.',
            'ClientArea', 'AdminServicesTabFields', 'EmailPreSend', 'ConfigOptions', 'ProductEdit' => 'reload the page.',
            'UsageUpdate' => 'the next daily cron run retries it (the usage figures stay as they were until then).',
            default => 'run ' . self::actionWords($action) . ' again (repeating it is safe).',
        };
    }

    /** "ClientArea" → "the client area page", "SuspendAccount" → "Suspend". */
    public static function actionWords(string $action): string
    {
        return match ($action) {
            'CreateAccount' => 'Create',
            'SuspendAccount' => 'Suspend',
            'UnsuspendAccount' => 'Unsuspend',
            'TerminateAccount' => 'Terminate',
            'ChangePackage' => 'Change Package',
            'ChangePassword' => 'Change Password',
            'TestConnection' => 'Test Connection',
            'ListAccounts' => 'Server sync (list accounts)',
            'ClientArea' => 'The client area page',
            'AdminServicesTabFields' => 'The admin service tab',
            'ClientClose' => "Suspending a closed client's CDN account",
            'PreDeleteClient', 'ClientDelete' => "Terminating a deleted client's CDN account",
            'EmailPreSend' => "Reading the portal URL for the welcome e-mail",
            'UsageUpdate' => 'The bandwidth usage update',
            default => $action,
        };
    }
}
