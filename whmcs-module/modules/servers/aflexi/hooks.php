<?php
/**
 * Hooks of the Aflexi CDN server module (loaded by WHMCS on every page while a product uses
 * the module; after adding this file, re-save a product's Module Settings so WHMCS sees it).
 *
 * Every hook is fail-open: failures are written to the activity log and the module log and
 * the WHMCS page carries on. Every hook is safe to run twice.
 */

declare(strict_types=1);

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/autoload.php';

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\BandwidthAlerts;
use WHMCS\Module\Server\Aflexi\ClientHooks;
use WHMCS\Module\Server\Aflexi\Context;
use WHMCS\Module\Server\Aflexi\Connection;
use WHMCS\Module\Server\Aflexi\ModuleCall;
use WHMCS\Module\Server\Aflexi\ServiceData;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;

/**
 * ClientClose (after an admin closes a client): "Close Clients Account" suspends the client's
 * Aflexi CDN accounts. Returns nothing.
 */
add_hook('ClientClose', 1, static function (array $vars): void {
    ClientHooks::clientClosed((int) ($vars['userid'] ?? 0));
});

/**
 * PreDeleteClient (just before a client is deleted, WHMCS 8+): "Delete Clients Account"
 * deletes the client's Aflexi CDN accounts. Returns nothing.
 */
add_hook('PreDeleteClient', 1, static function (array $vars): void {
    ClientHooks::clientDeleted('PreDeleteClient', (int) ($vars['userid'] ?? 0));
});

/**
 * ClientDelete (older WHMCS; deprecated since 8.0): the same as PreDeleteClient. When both
 * fire, the second finds the accounts already terminated and does nothing. Returns nothing.
 */
add_hook('ClientDelete', 1, static function (array $vars): void {
    ClientHooks::clientDeleted('ClientDelete', (int) ($vars['userid'] ?? 0));
});

/**
 * EmailPreSend (before any templated e-mail): for the "Aflexi CDN Welcome Mail" (relid =
 * service id) supplies {$service_username}, {$service_password} and {$aflexi_portal_url}.
 * Returns the extra merge fields, or [] for other e-mails and on failure.
 */
add_hook('EmailPreSend', 1, static function (array $vars): array {
    if (($vars['messagename'] ?? '') !== WelcomeTemplate::NAME) {
        return [];
    }
    $serviceId = (int) ($vars['relid'] ?? 0);
    $context = new Context(
        'EmailPreSend',
        ['serviceid' => $serviceId],
        static fn (Context $c): Connection => Connection::fromServerId($c->service()->serverId),
    );
    return ModuleCall::background($context, static function (Context $c) use ($serviceId): array {
        $service = ServiceData::fromServiceId($serviceId);
        if ($service === null) {
            return [];
        }
        $c->useService($service);
        return WelcomeTemplate::mergeFields($c, $service);
    }, [], false);
});

/**
 * ProductEdit (an admin saved a product): a product that has just started using this module
 * and has no welcome e-mail gets the "Aflexi CDN Welcome Mail"; a product seen before keeps
 * the admin's choice, "None" included (lib/ProductWelcome.php). Returns nothing.
 */
add_hook('ProductEdit', 1, static function (array $vars): void {
    $productId = (int) ($vars['pid'] ?? 0);
    ModuleCall::background(new Context('ProductEdit', ['pid' => $productId]), static function () use ($productId): void {
        if (Capsule::table('tblproducts')->where('id', $productId)->value('servertype') === 'aflexi') {
            WelcomeTemplate::assignToProducts();
        }
    }, null, false);
});

/**
 * DailyCronJob ("runs at the very end of the daily automation cron execution",
 * developers.whmcs.com/hooks-reference/cron/, so after UsageUpdate wrote this month's
 * bandwidth): e-mails "Aflexi CDN Bandwidth Alert" for each threshold a service has reached
 * this month, once per service, month and threshold (lib/BandwidthAlerts.php). Returns nothing.
 */
add_hook('DailyCronJob', 1, static function (): void {
    ModuleCall::background(new Context('BandwidthAlerts'), static fn (Context $c): array => BandwidthAlerts::run($c));
});
