<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * Turns any failure into a message an administrator can act on: what failed and what to
 * check. The extension's own messages already name the cause (and never carry secrets); this
 * adds where to look.
 */
final class Messages
{
    public static function describe(\Throwable $e, string $action, ?Connection $connection = null): string
    {
        $what = self::actionWords($action);
        $endpoint = $connection?->knownEndpoint();
        $at = $endpoint !== null ? ' at ' . $endpoint : '';
        $detail = trim($e->getMessage());

        if ($e instanceof ModuleError) {
            return $detail;
        }
        if ($e instanceof \Aflexi\AuthenticationException) {
            return "Aflexi CDN: $what failed: the Aflexi API$at did not accept the operator credentials ($detail). "
                . 'Check the server record: username = the Aflexi operator login, password (or access hash) = its auth key, and that the account is an OPERATOR.';
        }
        if ($e instanceof \Aflexi\NotFoundException) {
            return "Aflexi CDN: $what failed: $detail. "
                . 'Run Create to create the CDN account again, or Resync to re-read it from Aflexi; if the account was moved on Aflexi, check it in the Aflexi portal.';
        }
        if ($e instanceof \Aflexi\TransportException) {
            $timedOut = stripos($detail, 'timed out') !== false || stripos($detail, 'timeout') !== false;
            return "Aflexi CDN: $what failed: the Aflexi API$at "
                . ($timedOut ? 'did not answer in time' : 'could not be reached or answered with an error')
                . " ($detail). Check the server record's hostname and Secure setting, that this WHMCS host can reach the API (DNS, firewall, proxy)"
                . ($timedOut ? ', and the aflexi.timeout / aflexi.operation_timeout PHP settings' : '')
                . '; then ' . self::retryHint($action);
        }
        if ($e instanceof \Aflexi\FaultException) {
            $detail = (string) preg_replace('/^Aflexi API fault -?\d+:\s*/', '', $detail);
            return "Aflexi CDN: $what failed: the Aflexi API$at refused the request (fault " . $e->getCode() . ": $detail). "
                . 'Check the CDN account and its package in the Aflexi portal; then ' . self::retryHint($action);
        }
        if ($e instanceof \Aflexi\InvalidInputException) {
            return "Aflexi CDN: $what failed: $detail. Correct that value in WHMCS (service, client or product settings) and run it again.";
        }
        if ($e instanceof \Aflexi\Exception) {
            return "Aflexi CDN: $what failed: $detail.";
        }
        if ($e instanceof \PDOException || is_a($e, 'Illuminate\Database\QueryException')) {
            return "Aflexi CDN: $what failed on a WHMCS database query (" . Text::cap($detail, 500) . '). Check the database connection and the privileges of the WHMCS database user (CREATE for the module tables).';
        }
        return "Aflexi CDN: $what failed unexpectedly (" . get_class($e) . ': ' . Text::cap($detail, 500) . '). See the module log for the API calls made.';
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
