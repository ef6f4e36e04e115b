<?php
/**
 * GetInvoice, UpdateInvoice and AddInvoicePayment (developers.whmcs.com/api/internal-api, developers.whmcs.com/hooks-reference, tests/whmcs/README.md#not-firing).
 *
 * AddInvoicePayment is the route that runs WHMCS's payment processing: it records the
 * transaction in tblaccounts, runs AddInvoicePayment, and when the balance reaches zero marks
 * the invoice Paid and, in WHMCS's order (developers.whmcs.com/hooks-reference), runs InvoicePaidPreEmail, sends the
 * "Invoice Payment Confirmation" email (when that template exists and `noemail` is not set),
 * runs the payment automation (InvoiceApi::automate), then runs InvoicePaid with
 * `invoiceid` and the `invoice` model.
 *
 * UpdateInvoice only changes the record. Faithful to WHMCS (CORE-14322, tests/whmcs/README.md#not-firing): setting the
 * status to Cancelled through UpdateInvoice does NOT run InvoiceCancelled, and setting Paid
 * does not run InvoicePaid or any automation. Use Actions::cancelInvoice() for the admin
 * action that does fire InvoiceCancelled.
 */

declare(strict_types=1);

namespace WhmcsHarness\Api;

use WHMCS\Billing\Invoice;
use WHMCS\Database\Capsule;
use WhmcsHarness\Config;
use WhmcsHarness\Email\Mailer;
use WhmcsHarness\Hooks;
use WhmcsHarness\ModuleRunner;
use WhmcsHarness\Money;
use WhmcsHarness\Schema;

final class InvoiceApi
{
    /** `invoiceid`; the invoice with items.item[] (id, type, relid, description, amount, taxed) and transactions. */
    public static function getInvoice(array $v): array
    {
        $invoice = Capsule::table('tblinvoices')->where('id', (int) ($v['invoiceid'] ?? 0))->first();
        if ($invoice === null) {
            return self::error('Invoice ID Not Found');
        }
        $items = [];
        foreach (Capsule::table('tblinvoiceitems')->where('invoiceid', $invoice->id)->orderBy('id')->get() as $item) {
            $items[] = [
                'id' => (int) $item->id,
                'type' => $item->type,
                'relid' => (int) $item->relid,
                'description' => $item->description,
                'amount' => Money::format($item->amount),
                'taxed' => (int) $item->taxed,
            ];
        }
        $transactions = Capsule::table('tblaccounts')->where('invoiceid', $invoice->id)->orderBy('id')->get()
            ->map(static fn (object $t): array => (array) $t)->all();
        return [
            'result' => 'success',
            'invoiceid' => (int) $invoice->id,
            'invoicenum' => $invoice->invoicenum,
            'userid' => (int) $invoice->userid,
            'date' => $invoice->date,
            'duedate' => $invoice->duedate,
            'datepaid' => $invoice->datepaid,
            'lastcaptureattempt' => $invoice->last_capture_attempt,
            'subtotal' => Money::format($invoice->subtotal),
            'credit' => Money::format($invoice->credit),
            'tax' => Money::format($invoice->tax),
            'tax2' => Money::format($invoice->tax2),
            'total' => Money::format($invoice->total),
            'balance' => Money::format(self::balance((int) $invoice->id)),
            'taxrate' => number_format((float) $invoice->taxrate, 3, '.', ''),
            'taxrate2' => number_format((float) $invoice->taxrate2, 3, '.', ''),
            'status' => $invoice->status,
            'paymentmethod' => $invoice->paymentmethod,
            'notes' => $invoice->notes,
            'ccgateway' => false,
            'items' => ['item' => $items],
            'transactions' => $transactions === [] ? '' : ['transaction' => $transactions],
        ];
    }

    /** Status and field changes, line-item edits, publish. Fires no hooks (see class docblock). */
    public static function updateInvoice(array $v): array
    {
        $id = (int) ($v['invoiceid'] ?? 0);
        $invoice = Capsule::table('tblinvoices')->where('id', $id)->first();
        if ($invoice === null) {
            return self::error('Invoice ID Not Found');
        }
        $changes = [];
        foreach (['paymentmethod', 'taxrate', 'taxrate2', 'credit', 'date', 'duedate', 'datepaid', 'notes'] as $field) {
            if (array_key_exists($field, $v)) {
                $changes[$field] = $v[$field];
            }
        }
        if (isset($v['status'])) {
            if (!in_array($v['status'], Schema::INVOICE_STATUSES, true)) {
                return self::error('Invalid status ' . $v['status']);
            }
            $changes['status'] = $v['status'];
            $now = date('Y-m-d H:i:s');
            match ($v['status']) {
                'Cancelled' => $changes['date_cancelled'] = $now,
                'Refunded' => $changes['date_refunded'] = $now,
                'Paid' => $changes['datepaid'] ??= $now,
                default => null,
            };
        }
        if (!empty($v['publish']) || !empty($v['publishandsendemail'])) {
            if ($invoice->status !== 'Draft') {
                return self::error('Invoice must be in Draft status to be published');
            }
            $changes['status'] ??= 'Unpaid';
        }
        $itemsChanged = self::editItems($invoice, $v);
        if ($itemsChanged === null) {
            return self::error('Missing Variables: itemdescription, itemamount and itemtaxed are required for each item being changed');
        }
        if ($changes !== []) {
            Capsule::table('tblinvoices')->where('id', $id)->update($changes);
        }
        if ($itemsChanged || array_key_exists('credit', $changes)) {
            self::recalculate($id);
        }
        return ['result' => 'success', 'invoiceid' => (string) $id];
    }

    /** `invoiceid`, `transid`, `gateway`, `date`, optional `amount` (default: the balance), `fees`, `noemail`. */
    public static function addInvoicePayment(array $v): array
    {
        $id = (int) ($v['invoiceid'] ?? 0);
        $invoice = Capsule::table('tblinvoices')->where('id', $id)->first();
        if ($invoice === null) {
            return self::error('Invoice ID Not Found');
        }
        if ($invoice->status === 'Cancelled') {
            return self::error('It is not possible to add a payment to an invoice that is Cancelled');
        }
        $date = (string) ($v['date'] ?? '') !== '' ? (string) $v['date'] : date('Y-m-d H:i:s');
        $amount = isset($v['amount']) && $v['amount'] !== '' ? (float) $v['amount'] : self::balance($id);
        Capsule::table('tblaccounts')->insert([
            'userid' => $invoice->userid,
            'currency' => 0,
            'gateway' => (string) ($v['gateway'] ?? ''),
            'date' => $date,
            'description' => 'Invoice Payment',
            'amountin' => $amount,
            'fees' => (float) ($v['fees'] ?? 0),
            'transid' => (string) ($v['transid'] ?? ''),
            'invoiceid' => $id,
        ]);
        Hooks::run('AddInvoicePayment', ['invoiceid' => $id]);
        if ($invoice->status !== 'Paid' && self::balance($id) <= 0.0) {
            Capsule::table('tblinvoices')->where('id', $id)->update(['status' => 'Paid', 'datepaid' => $date]);
            Hooks::run('InvoicePaidPreEmail', ['invoiceid' => $id]);
            if (empty($v['noemail']) && Capsule::table('tblemailtemplates')->where('name', 'Invoice Payment Confirmation')->exists()) {
                Mailer::sendEmail(['messagename' => 'Invoice Payment Confirmation', 'id' => $id]);
            }
            self::automate($id);
            Hooks::run('InvoicePaid', ['invoiceid' => $id, 'invoice' => Invoice::find($id)]);
        }
        return ['result' => 'success'];
    }

    /**
     * The payment automation the stand-in models (a subset of WHMCS's): for each Hosting line,
     * a Pending service whose product has autosetup 'payment' is created (ModuleCreate path),
     * a Suspended service is unsuspended when AutoUnsuspend is 'on' (baseline: on); for each
     * Addon line, a Pending client addon whose addon has autoactivate 'payment' or 'on'
     * becomes Active. Next due dates are not advanced.
     */
    public static function automate(int $invoiceId): void
    {
        $items = Capsule::table('tblinvoiceitems')->where('invoiceid', $invoiceId)->orderBy('id')->get();
        foreach ($items as $item) {
            if ($item->type === 'Hosting') {
                $service = Capsule::table('tblhosting as h')->join('tblproducts as p', 'p.id', '=', 'h.packageid')
                    ->where('h.id', $item->relid)->first(['h.domainstatus', 'p.autosetup']);
                if ($service === null) {
                    continue;
                }
                if ($service->domainstatus === 'Pending' && $service->autosetup === 'payment') {
                    ModuleRunner::run('Create', (int) $item->relid);
                } elseif ($service->domainstatus === 'Suspended' && Config::get('AutoUnsuspend') === 'on') {
                    ModuleRunner::run('Unsuspend', (int) $item->relid);
                }
            } elseif ($item->type === 'Addon') {
                $addon = Capsule::table('tblhostingaddons as ha')->leftJoin('tbladdons as a', 'a.id', '=', 'ha.addonid')
                    ->where('ha.id', $item->relid)->first(['ha.status', 'a.autoactivate']);
                if ($addon !== null && $addon->status === 'Pending' && in_array($addon->autoactivate, ['payment', 'on'], true)) {
                    Capsule::table('tblhostingaddons')->where('id', $item->relid)->update(['status' => 'Active']);
                }
            }
        }
    }

    /** Total minus net payments (never below zero). */
    public static function balance(int $invoiceId): float
    {
        $total = (float) Capsule::table('tblinvoices')->where('id', $invoiceId)->value('total');
        $in = (float) Capsule::table('tblaccounts')->where('invoiceid', $invoiceId)->sum('amountin');
        $out = (float) Capsule::table('tblaccounts')->where('invoiceid', $invoiceId)->sum('amountout');
        return max(0.0, round($total - $in + $out, 2));
    }

    /** subtotal = sum of lines; total = subtotal + tax + tax2 - credit (the stand-in keeps tax as stored). */
    public static function recalculate(int $invoiceId): void
    {
        $invoice = Capsule::table('tblinvoices')->where('id', $invoiceId)->first();
        $subtotal = (float) Capsule::table('tblinvoiceitems')->where('invoiceid', $invoiceId)->sum('amount');
        Capsule::table('tblinvoices')->where('id', $invoiceId)->update([
            'subtotal' => $subtotal,
            'total' => max(0.0, $subtotal + (float) $invoice->tax + (float) $invoice->tax2 - (float) $invoice->credit),
        ]);
    }

    /** @return bool|null whether items changed; null when an edit lacks its amount/taxed */
    private static function editItems(object $invoice, array $v): ?bool
    {
        $changed = false;
        foreach ((array) ($v['itemdescription'] ?? []) as $lineId => $description) {
            if (!isset($v['itemamount'][$lineId], $v['itemtaxed'][$lineId])) {
                return null;
            }
            Capsule::table('tblinvoiceitems')->where('id', (int) $lineId)->where('invoiceid', $invoice->id)->update([
                'description' => (string) $description,
                'amount' => (float) $v['itemamount'][$lineId],
                'taxed' => (int) (bool) $v['itemtaxed'][$lineId],
            ]);
            $changed = true;
        }
        foreach ((array) ($v['newitemdescription'] ?? []) as $i => $description) {
            Capsule::table('tblinvoiceitems')->insert([
                'invoiceid' => $invoice->id,
                'userid' => $invoice->userid,
                'description' => (string) $description,
                'amount' => (float) ($v['newitemamount'][$i] ?? 0),
                'taxed' => (int) (bool) ($v['newitemtaxed'][$i] ?? false),
            ]);
            $changed = true;
        }
        $delete = array_map('intval', (array) ($v['deletelineids'] ?? []));
        if ($delete !== []) {
            Capsule::table('tblinvoiceitems')->where('invoiceid', $invoice->id)->whereIn('id', $delete)->delete();
            $changed = true;
        }
        return $changed;
    }

    private static function error(string $message): array
    {
        return ['result' => 'error', 'message' => $message];
    }
}
