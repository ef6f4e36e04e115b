<?php
/**
 * Hooks of the Aflexi CDN addon (loaded by WHMCS on every page while the addon is active).
 * Each is fail-open (failures go to the activity log), safe to fire twice, and returns at
 * once when the event concerns no CDN service. The work is in lib/HookHandlers.php.
 */

declare(strict_types=1);

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/shared.php';

use WHMCS\Module\Addon\AflexiCdn\DashboardWidget;
use WHMCS\Module\Addon\AflexiCdn\HookHandlers;

// Without the server module's library nothing below can work: each event the addon listens to
// says so in the activity log when it happens (never at load: that would be every page).
if (($aflexiCdnProblem = aflexi_cdn_shared_problem()) !== null) {
    foreach (['InvoicePaid', 'InvoiceRefunded', 'InvoiceCancelled', 'InvoiceUnpaid', 'ManualRefund', 'ClientEdit',
        'ClientClose', 'PreDeleteClient', 'ClientDelete', 'DailyCronJob', 'AfterCronJob'] as $aflexiCdnPoint) {
        add_hook($aflexiCdnPoint, 10, static function () use ($aflexiCdnPoint, $aflexiCdnProblem): void {
            aflexi_cdn_log_problem("$aflexiCdnProblem [$aflexiCdnPoint]");
        });
    }
    return;
}

/** InvoicePaid (after payment automation): "when a payment is made to a CDN enabled product the publisher and package are synchronized". Returns nothing. */
add_hook('InvoicePaid', 10, static function (array $vars): void {
    HookHandlers::invoicePaid((int) ($vars['invoiceid'] ?? 0));
});

/** InvoiceRefunded: the invoice's CDN accounts are suspended. Returns nothing. */
add_hook('InvoiceRefunded', 10, static function (array $vars): void {
    HookHandlers::invoiceReversed('InvoiceRefunded', (int) ($vars['invoiceid'] ?? 0), 'refunded');
});

/** InvoiceCancelled: the invoice's CDN accounts are suspended. Returns nothing. */
add_hook('InvoiceCancelled', 10, static function (array $vars): void {
    HookHandlers::invoiceReversed('InvoiceCancelled', (int) ($vars['invoiceid'] ?? 0), 'cancelled');
});

/** InvoiceUnpaid (an invoice is marked unpaid): the invoice's CDN accounts are suspended. Returns nothing. */
add_hook('InvoiceUnpaid', 10, static function (array $vars): void {
    HookHandlers::invoiceReversed('InvoiceUnpaid', (int) ($vars['invoiceid'] ?? 0), 'set to unpaid');
});

/** ManualRefund (transid, amount; no invoice id): the refunded invoice's CDN accounts are suspended. Returns nothing. */
add_hook('ManualRefund', 10, static function (array $vars): void {
    HookHandlers::manualRefund((string) ($vars['transid'] ?? ''));
});

/** ClientEdit (with olddata): a new e-mail, name or status queues the client for the next cron run (no API call on the client's request). Returns nothing. */
add_hook('ClientEdit', 10, static function (array $vars): void {
    HookHandlers::clientEdit($vars);
});

/** AfterCronJob (every cron run): the clients queued by ClientEdit are synchronized. Returns nothing. */
add_hook('AfterCronJob', 10, static function (): void {
    HookHandlers::afterCron();
});

/** ClientClose: the client's CDN accounts are suspended. Returns nothing. */
add_hook('ClientClose', 10, static function (array $vars): void {
    HookHandlers::clientGone('ClientClose', (int) ($vars['userid'] ?? 0));
});

/** PreDeleteClient (before the client is deleted): the client's CDN accounts are suspended. Returns nothing. */
add_hook('PreDeleteClient', 10, static function (array $vars): void {
    HookHandlers::clientGone('PreDeleteClient', (int) ($vars['userid'] ?? 0));
});

/** ClientDelete (deprecated, still fired by older WHMCS): as PreDeleteClient; the second finds nothing to do. Returns nothing. */
add_hook('ClientDelete', 10, static function (array $vars): void {
    HookHandlers::clientGone('ClientDelete', (int) ($vars['userid'] ?? 0));
});

/** DailyCronJob: reconciles every CDN account with WHMCS within the cron time budget. Returns nothing. */
add_hook('DailyCronJob', 10, static function (): void {
    HookHandlers::cron('DailyCronJob');
});

/** AdminHomeWidgets (the admin home): the addon's widget object (lib/DashboardWidget.php; no API call, counts cached by WHMCS). */
add_hook('AdminHomeWidgets', 10, static function (): DashboardWidget {
    return new DashboardWidget();
});
