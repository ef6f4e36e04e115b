<?php
/**
 * WHMCS actions that have no localAPI stand-in but fire the hooks the addon listens to
 * (developers.whmcs.com/hooks-reference), with their documented payload keys - and, as faithfully, NOT firing what WHMCS does
 * not fire (tests/whmcs/README.md#not-firing): changing a service status saves the record and runs ServiceEdit only (no
 * module call); closing a client changes statuses without module calls.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class Actions
{
    /** Client fields of the ClientEdit payload, in the docs' order (developers.whmcs.com/hooks-reference, hooks-reference/client.md). */
    private const CLIENT_EDIT_FIELDS = ['uuid', 'firstname', 'lastname', 'companyname', 'email', 'address1', 'address2',
        'city', 'state', 'postcode', 'country', 'phonenumber', 'currency', 'notes', 'status', 'taxexempt',
        'latefeeoveride', 'overideduenotices', 'separateinvoices', 'disableautocc', 'emailoptout',
        'marketing_emails_opt_in', 'overrideautoclose', 'language', 'billingcid', 'groupid', 'allow_sso'];
    private const BOOL_FIELDS = ['taxexempt', 'latefeeoveride', 'overideduenotices', 'separateinvoices',
        'disableautocc', 'emailoptout', 'marketing_emails_opt_in', 'overrideautoclose', 'allow_sso'];

    /**
     * The client profile is saved in the admin area or by UpdateClient: the row is updated,
     * then ClientEdit runs with every column (the new values) and `olddata` (the previous ones),
     * the shape of hooks-reference/client ClientEdit.
     *
     * @param array<string, mixed> $changes tblclients column => value
     */
    public static function editClient(int $clientId, array $changes): void
    {
        $old = self::clientEditPayload($clientId);
        Capsule::table('tblclients')->where('id', $clientId)->update($changes);
        Hooks::run('ClientEdit', self::clientEditPayload($clientId) + ['olddata' => $old]);
    }

    /**
     * The client saves their own profile in the client area (WHMCS 8): the row is saved first,
     * then ClientEdit runs with `userid`, `isOptedInToMarketingEmails` and `olddata` (the whole
     * previous row) only - none of the new values, which a hook must read from tblclients.
     * WHMCS's documentation lists every column for ClientEdit; this shape is what WHMCS 8's
     * client-area save passes (see docs/WHMCS-FIDELITY.md), so a hook must treat a missing key
     * as "read the current row", never as "cleared".
     *
     * @param array<string, mixed> $changes tblclients column => value
     */
    public static function editClientInClientArea(int $clientId, array $changes): void
    {
        $old = self::clientEditPayload($clientId);
        Capsule::table('tblclients')->where('id', $clientId)->update($changes);
        $new = self::clientEditPayload($clientId);
        Hooks::run('ClientEdit', [
            'userid' => $clientId,
            'isOptedInToMarketingEmails' => $new['isOptedInToMarketingEmails'],
            'olddata' => $old,
        ]);
    }

    /**
     * "Close Client" (admin) / CloseClient API: unpaid invoices become Cancelled, Pending
     * services and addons Cancelled, Active and Suspended ones Terminated (statuses only, no
     * module calls), the client Closed; then ClientClose runs with `userid`.
     */
    public static function closeClient(int $clientId): void
    {
        Capsule::table('tblinvoices')->where('userid', $clientId)->whereIn('status', ['Unpaid', 'Draft', 'Payment Pending'])
            ->update(['status' => 'Cancelled', 'date_cancelled' => date('Y-m-d H:i:s')]);
        foreach (['tblhosting' => 'domainstatus', 'tblhostingaddons' => 'status'] as $table => $column) {
            Capsule::table($table)->where('userid', $clientId)->where($column, 'Pending')->update([$column => 'Cancelled']);
            Capsule::table($table)->where('userid', $clientId)->whereIn($column, ['Active', 'Suspended'])->update([$column => 'Terminated']);
        }
        Capsule::table('tblclients')->where('id', $clientId)->update(['status' => 'Closed']);
        Hooks::run('ClientClose', ['userid' => $clientId]);
    }

    /**
     * Deleting a client: PreDeleteClient (and the deprecated ClientDelete, still fired) with
     * `userid`, then the client, its services and its addons are removed.
     */
    public static function deleteClient(int $clientId): void
    {
        Hooks::run('PreDeleteClient', ['userid' => $clientId]);
        Hooks::run('ClientDelete', ['userid' => $clientId]);
        Capsule::table('tblhostingaddons')->where('userid', $clientId)->delete();
        Capsule::table('tblhosting')->where('userid', $clientId)->delete();
        Capsule::table('tblclients')->where('id', $clientId)->delete();
    }

    /** A client's password changes: ClientChangePassword with `userid` and the new plain `password`. */
    public static function changeClientPassword(int $clientId, string $password): void
    {
        Hooks::run('ClientChangePassword', ['userid' => $clientId, 'password' => $password]);
    }

    /**
     * The admin changes a service's status in the dropdown and saves: the record changes,
     * ServiceEdit runs with `userid` and `serviceid`, and no module function runs (tests/whmcs/README.md#not-firing).
     */
    public static function setServiceStatus(int $serviceId, string $status): void
    {
        Capsule::table('tblhosting')->where('id', $serviceId)->update(['domainstatus' => $status]);
        $userId = (int) Capsule::table('tblhosting')->where('id', $serviceId)->value('userid');
        Hooks::run('ServiceEdit', ['userid' => $userId, 'serviceid' => $serviceId]);
    }

    /** Deleting a service: ServiceDelete (`userid`, `clientId`, `serviceid`), then the row goes. */
    public static function deleteService(int $serviceId): void
    {
        $userId = (int) Capsule::table('tblhosting')->where('id', $serviceId)->value('userid');
        Hooks::run('ServiceDelete', ['userid' => $userId, 'clientId' => $userId, 'serviceid' => $serviceId]);
        Capsule::table('tblhostingaddons')->where('hostingid', $serviceId)->delete();
        Capsule::table('tblhosting')->where('id', $serviceId)->delete();
    }

    /** "Mark Cancelled" in the admin area: status Cancelled, then InvoiceCancelled with `invoiceid`. */
    public static function cancelInvoice(int $invoiceId): void
    {
        Capsule::table('tblinvoices')->where('id', $invoiceId)->update(['status' => 'Cancelled', 'date_cancelled' => date('Y-m-d H:i:s')]);
        Hooks::run('InvoiceCancelled', ['invoiceid' => $invoiceId]);
    }

    /** "Mark Unpaid": InvoiceUnpaid with `invoiceid` (it runs as the invoice is being marked), then the change. */
    public static function markInvoiceUnpaid(int $invoiceId): void
    {
        Hooks::run('InvoiceUnpaid', ['invoiceid' => $invoiceId]);
        Capsule::table('tblinvoices')->where('id', $invoiceId)->update(['status' => 'Unpaid', 'datepaid' => '0000-00-00 00:00:00']);
    }

    /**
     * "Refund" with the Manual Refund option, for one payment (a tblaccounts row): a refund
     * transaction is recorded (amountout, refundid = the payment), ManualRefund runs with the
     * payment's `transid` and the `amount` (no invoice id, developers.whmcs.com/hooks-reference); when the invoice's payments
     * are fully refunded it becomes Refunded and InvoiceRefunded runs with `invoiceid`.
     */
    public static function manualRefund(int $transactionId, ?float $amount = null): void
    {
        $payment = Capsule::table('tblaccounts')->where('id', $transactionId)->first();
        if ($payment === null) {
            throw new \RuntimeException("no transaction $transactionId in tblaccounts");
        }
        $amount ??= (float) $payment->amountin;
        Capsule::table('tblaccounts')->insert([
            'userid' => $payment->userid, 'currency' => $payment->currency, 'gateway' => $payment->gateway,
            'date' => date('Y-m-d H:i:s'), 'description' => 'Refund of Transaction ID ' . $payment->transid,
            'amountout' => $amount, 'transid' => '', 'invoiceid' => $payment->invoiceid, 'refundid' => $payment->id,
        ]);
        Hooks::run('ManualRefund', ['transid' => $payment->transid, 'amount' => $amount]);
        $invoiceId = (int) $payment->invoiceid;
        $in = (float) Capsule::table('tblaccounts')->where('invoiceid', $invoiceId)->sum('amountin');
        $out = (float) Capsule::table('tblaccounts')->where('invoiceid', $invoiceId)->sum('amountout');
        if ($invoiceId > 0 && $out >= $in) {
            Capsule::table('tblinvoices')->where('id', $invoiceId)->update(['status' => 'Refunded', 'date_refunded' => date('Y-m-d H:i:s')]);
            Hooks::run('InvoiceRefunded', ['invoiceid' => $invoiceId]);
        }
    }

    /**
     * The daily cron, in the parts the stand-in models: UsageUpdate once per enabled server
     * whose module defines it (with server-only params, developers.whmcs.com/provisioning-modules/supported-functions), then DailyCronJob, then
     * AfterCronJob (both without parameters; DailyCronJob "runs at the very end of the daily
     * automation cron execution", AfterCronJob "after all scheduled tasks finish",
     * developers.whmcs.com/hooks-reference/cron/). UsageUpdate answers 'success' (or nothing) when
     * it worked and an error text otherwise, which WHMCS writes to the Activity Log
     * (docs/WHMCS-FIDELITY.md: the Plesk module that ships with WHMCS returns exactly that).
     */
    public static function runDailyCron(): void
    {
        foreach (Capsule::table('tblservers')->where('disabled', 0)->orderBy('name')->orderBy('id')->get() as $server) {
            $function = $server->type !== '' ? Modules::serverFunction($server->type, 'UsageUpdate') : null;
            if ($function === null) {
                continue;
            }
            $result = $function(Params::forServer((int) $server->id));
            if ($result && $result !== 'success') {
                logActivity("Server Usage Update Failed: $result - Server ID: {$server->id}");
            }
        }
        Hooks::run('DailyCronJob', []);
        Hooks::run('AfterCronJob', []);
    }

    /** @return array<string, mixed> */
    private static function clientEditPayload(int $clientId): array
    {
        $row = (array) Capsule::table('tblclients')->where('id', $clientId)->first();
        $payload = ['userid' => $clientId];
        foreach (self::CLIENT_EDIT_FIELDS as $field) {
            $value = $row[$field] ?? '';
            $payload[$field] = in_array($field, self::BOOL_FIELDS, true) ? (bool) $value : $value;
        }
        $payload['currency'] = (int) $payload['currency'];
        $payload['billingcid'] = (int) $payload['billingcid'];
        $payload['groupid'] = (int) $payload['groupid'];
        $payload['authmodule'] = $row['authmodule'] ?? '';
        $payload['authdata'] = $row['authdata'] ?? '';
        $payload['email_verified'] = (bool) ($row['email_verified'] ?? false);
        $payload['isOptedInToMarketingEmails'] = (bool) ($row['marketing_emails_opt_in'] ?? false);
        $payload['email_preferences'] = array_fill_keys(['general', 'invoice', 'support', 'product', 'domain', 'affiliate'], true);
        return $payload;
    }
}
