<?php
/**
 * `localAPI($command, $values, $adminUsername)` (developers.whmcs.com/api/internal-api): dispatches to the command stand-ins
 * below, which work for real against the database. Command names are matched
 * case-insensitively, the result is always an array with `result` = success|error (never an
 * exception), and an unknown command answers `Command Not Found`. Tests may replace any
 * command with Whmcs::fakeApi(). Every call is recorded (Whmcs::apiCalls()).
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WhmcsHarness\Api\ClientApi;
use WhmcsHarness\Api\InvoiceApi;
use WhmcsHarness\Api\ModuleApi;
use WhmcsHarness\Api\UtilityApi;

final class LocalApi
{
    /** @return array<string, callable(array<string, mixed>): array<string, mixed>> lower-case command => handler */
    public static function commands(): array
    {
        return [
            'getclientsdetails' => [ClientApi::class, 'getClientsDetails'],
            'getclientsproducts' => [ClientApi::class, 'getClientsProducts'],
            'updateclientproduct' => [ClientApi::class, 'updateClientProduct'],
            'getclientsaddons' => [ClientApi::class, 'getClientsAddons'],
            'closeclient' => [ClientApi::class, 'closeClient'],
            'getinvoice' => [InvoiceApi::class, 'getInvoice'],
            'updateinvoice' => [InvoiceApi::class, 'updateInvoice'],
            'addinvoicepayment' => [InvoiceApi::class, 'addInvoicePayment'],
            'modulecreate' => [ModuleApi::class, 'moduleCreate'],
            'modulesuspend' => [ModuleApi::class, 'moduleSuspend'],
            'moduleunsuspend' => [ModuleApi::class, 'moduleUnsuspend'],
            'moduleterminate' => [ModuleApi::class, 'moduleTerminate'],
            'modulechangepackage' => [ModuleApi::class, 'moduleChangePackage'],
            'modulechangepw' => [ModuleApi::class, 'moduleChangePw'],
            'modulecustom' => [ModuleApi::class, 'moduleCustom'],
            'sendemail' => [UtilityApi::class, 'sendEmail'],
            'encryptpassword' => [UtilityApi::class, 'encryptPassword'],
            'decryptpassword' => [UtilityApi::class, 'decryptPassword'],
            'logactivity' => [UtilityApi::class, 'logActivity'],
        ];
    }

    /**
     * @param array<string, mixed> $values
     * @return array<string, mixed>
     */
    public static function call(string $command, array $values = [], string $admin = ''): array
    {
        $handler = Whmcs::apiFake($command) ?? self::commands()[strtolower($command)] ?? null;
        $result = $handler === null
            ? ['result' => 'error', 'message' => 'Command Not Found']
            : $handler($values, $admin);
        Whmcs::recordApi($command, $values, $admin, $result);
        return $result;
    }
}
