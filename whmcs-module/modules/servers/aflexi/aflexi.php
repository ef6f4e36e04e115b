<?php
/**
 * Aflexi CDN — WHMCS server (provisioning) module `aflexi`.
 *
 * WHMCS sells CDN accounts ("publishers") of an Aflexi operator: each WHMCS service of a
 * product using this module is one publisher on Aflexi. The server record holds the
 * operator's credentials (hostname = API host, username = operator login, password or access
 * hash = auth key).
 *
 * This file only maps WHMCS's entry points onto the shared library in lib/ (namespace
 * WHMCS\Module\Server\Aflexi, also used by the addon aflexi_cdn), which calls the PHP
 * extension `aflexi`, where every rule lives (usernames, passwords, package names, endpoint,
 * create-or-revive, not-found semantics). Each entry point runs inside ModuleCall, the one
 * wrapper that checks the extension, catches every failure, writes the module log (one entry
 * per Aflexi API call, secrets masked) and returns WHMCS's convention for that function.
 */

declare(strict_types=1);

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/autoload.php';

use WHMCS\Module\Server\Aflexi\AccountList;
use WHMCS\Module\Server\Aflexi\Context;
use WHMCS\Module\Server\Aflexi\ModuleCall;
use WHMCS\Module\Server\Aflexi\Provisioner;
use WHMCS\Module\Server\Aflexi\ServiceView;
use WHMCS\Module\Server\Aflexi\SingleSignOn;
use WHMCS\Module\Server\Aflexi\MetricProvider;
use WHMCS\Module\Server\Aflexi\UsageUpdate;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;

/**
 * Module metadata, read by WHMCS when it lists and configures modules.
 *
 * @return array<string, mixed>
 */
function aflexi_MetaData(): array
{
    return [
        'DisplayName' => 'Aflexi CDN',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        // Server Sync Tool (ListAccounts): accounts are matched on the service username, and
        // the remote package is compared with the product's "Package name" (configoption1).
        'ListAccountsUniqueIdentifierDisplayName' => 'CDN username',
        'ListAccountsUniqueIdentifierField' => 'username',
        'ListAccountsProductField' => 'configoption1',
        // AutoGenerateUsernameAndPassword stays at WHMCS's default (on): before CreateAccount
        // WHMCS gives a new service a username from its domain (8 random letters with "Enable
        // Random Usernames") and a password; the module uses them, and makes the username from
        // the client's e-mail when WHMCS gave none (no domain), as the product document asks.
        // Single sign-on (aflexi_ServiceSingleSignOn): the label of WHMCS's button for a
        // service, in the client area and on the admin's service page.
        'ServiceSingleSignOnLabel' => 'Login to CDN portal',
    ];
}

/**
 * The product's Module Settings, shown when an admin edits a product that uses this module.
 * Also installs the "Aflexi CDN Welcome Mail" template if missing and sets it as the welcome
 * e-mail of Aflexi products that have none.
 *
 * ORDER IS APPEND-ONLY: WHMCS stores these by position as tblproducts.configoption1..24, so
 * an option must never be removed, reordered or inserted before another; new options go at
 * the end. configoption1 = "Package name" (also the ListAccountsProductField above),
 * configoption2 = "Single sign-on", configoption3 = "Bandwidth alert thresholds".
 *
 * @return array<string, array<string, mixed>>
 */
function aflexi_ConfigOptions(): array
{
    $options = [
        'Package name' => [
            'Type' => 'text',
            'Size' => '40',
            'Default' => '',
            'Description' => 'The Aflexi bandwidth package of this product (created on Aflexi when missing). Empty: the product name.',
            'SimpleMode' => true,
        ],
        // configoption2 (SingleSignOn::SETTING)
        'Single sign-on' => [
            'Type' => 'yesno',
            'Default' => 'yes',
            'Description' => 'Offer "Login to CDN portal": the client (or an admin) opens the Aflexi portal logged in as the service\'s publisher, locked to it.',
        ],
        // configoption3: read by lib/BandwidthAlerts.php (Aflexi\alert_thresholds).
        'Bandwidth alert thresholds' => [
            'Type' => 'text',
            'Size' => '20',
            'Default' => '80,100',
            'Description' => 'Percentages of the monthly bandwidth limit at which the client is e-mailed "Aflexi CDN Bandwidth Alert", once per month each (e.g. 80,100).',
            'SimpleMode' => true,
        ],
    ];
    ModuleCall::background(new Context('ConfigOptions'), static function (): void {
        WelcomeTemplate::ensure();
    }, null, false);
    return $options;
}

/**
 * "Test Connection" on the server record form: the credentials must be accepted and belong
 * to an OPERATOR account. Remembers the operator id for later calls.
 *
 * @return array{success: bool, error: string}
 */
function aflexi_TestConnection(array $params): array
{
    return ModuleCall::test('TestConnection', $params, static function (Context $c): void {
        $operator = $c->client()->verifyCredentials();
        $c->connection()->rememberOperatorId((int) $operator['id']);
        $c->note('operator_id', $operator['id']);
        WelcomeTemplate::ensure();
    });
}

/**
 * Create (order accepted/paid per the product's auto-setup, admin "Create", API
 * ModuleCreate): creates the CDN account, or re-creates it when it exists (e.g. after a
 * Terminate). Username: the service username, else the client's e-mail as
 * user_domain.com_<serviceid>; password: the service password, generated when empty; both
 * written back to the service before returning so the welcome e-mail shows them.
 *
 * @return string 'success' or an error message
 */
function aflexi_CreateAccount(array $params): string
{
    return ModuleCall::command('CreateAccount', $params, static function (Context $c): void {
        try {
            WelcomeTemplate::ensure();
        } catch (\Throwable $e) {
            $c->note('welcome_template_failed', $e->getMessage());
        }
        (new Provisioner($c))->create($c->service());
    });
}

/**
 * Suspend (overdue cron, admin "Suspend", API ModuleSuspend): suspends the CDN account.
 *
 * @return string 'success' or an error message (also when the account is not found on Aflexi)
 */
function aflexi_SuspendAccount(array $params): string
{
    return ModuleCall::command('SuspendAccount', $params, static fn (Context $c) => (new Provisioner($c))->suspend($c->service()));
}

/**
 * Unsuspend (overdue invoice paid, admin "Unsuspend"): re-activates the CDN account.
 *
 * @return string 'success' or an error message (also when the account is not found on Aflexi)
 */
function aflexi_UnsuspendAccount(array $params): string
{
    return ModuleCall::command('UnsuspendAccount', $params, static fn (Context $c) => (new Provisioner($c))->unsuspend($c->service()));
}

/**
 * Terminate (termination cron, admin "Terminate"): deletes the CDN account. An account that
 * is already gone counts as done.
 *
 * @return string 'success' or an error message
 */
function aflexi_TerminateAccount(array $params): string
{
    return ModuleCall::command('TerminateAccount', $params, static fn (Context $c) => (new Provisioner($c))->terminate($c->service()));
}

/**
 * Change Package (paid upgrade/downgrade, admin "Change Package"): moves the CDN account to
 * the package of the service's (new) product, created on Aflexi when missing.
 *
 * @return string 'success' or an error message
 */
function aflexi_ChangePackage(array $params): string
{
    return ModuleCall::command('ChangePackage', $params, static fn (Context $c) => (new Provisioner($c))->changePackage($c->service()));
}

/**
 * Change Password (client or admin): sets the service's new password on the CDN account.
 *
 * @return string 'success' or an error message
 */
function aflexi_ChangePassword(array $params): string
{
    return ModuleCall::command('ChangePassword', $params, static fn (Context $c) => (new Provisioner($c))->changePassword($c->service()));
}

/**
 * Server Sync Tool (Utilities > Server Sync): every CDN account of the operator, read page by
 * page; terminated ones are left out.
 *
 * @return array{success: bool, accounts?: list<array<string, string>>, error?: string}
 */
function aflexi_ListAccounts(array $params): array
{
    return ModuleCall::listing('ListAccounts', $params, static fn (Context $c): array => AccountList::forServer($c));
}

/**
 * Daily cron, once per Aflexi server: writes this month's bandwidth (bwusage, MB), the
 * package's bandwidth limit (bwlimit, MB; 0 = unlimited) and lastupdate to the server's
 * Active and Suspended Aflexi services, for WHMCS's bandwidth overage billing and the client
 * area. API calls grow with pages, not services (2 per 200 services, plus the package list);
 * nothing is written if Aflexi cannot be read. See lib/UsageUpdate.php.
 *
 * @return string 'success' or an error message (WHMCS ignores it; failures are logged)
 */
function aflexi_UsageUpdate(array $params): string
{
    return ModuleCall::cron('UsageUpdate', $params, static fn (Context $c): array => (new UsageUpdate($c))->run());
}

/**
 * WHMCS Usage Billing (WHMCS 7.9+): the provider of the metric "bandwidth" (this month's CDN
 * traffic in GB) for the server's tenants, keyed as aflexi_ListAccounts keys accounts. WHMCS's
 * cron task "Tenant Usage Metrics" collects it; a product can then bill what is over an
 * included amount. See lib/MetricProvider.php.
 *
 * @return MetricProvider a WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface
 */
function aflexi_MetricProvider(array $params): MetricProvider
{
    return new MetricProvider($params);
}

/**
 * The client's product details page: CDN username, status, package and the portal login
 * link (templates/clientarea.tpl; every value escaped there).
 *
 * @return array template and variables, or the error template
 */
function aflexi_ClientArea(array $params): array
{
    return ModuleCall::render(
        'ClientArea',
        $params,
        static fn (Context $c): array => ServiceView::clientArea($c),
        static fn (): array => ServiceView::clientAreaError($params),
    );
}

/**
 * The admin service page: publisher id, link status, package, last sync and last error of
 * the service's CDN account (escaped HTML).
 *
 * @return array<string, string> label => HTML; [] on error
 */
function aflexi_AdminServicesTabFields(array $params): array
{
    return ModuleCall::render(
        'AdminServicesTabFields',
        $params,
        static fn (Context $c): array => ServiceView::adminFields($c),
        static fn (): array => [],
    );
}

/**
 * Extra buttons on the admin service page (label => function suffix, i.e. aflexi_<suffix>).
 * No suffix may start with "cdn_": aflexi_cdn_* are the addon's functions.
 *
 * @return array<string, string>
 */
function aflexi_AdminCustomButtonArray(): array
{
    return ['Resync' => 'Resync'];
}

/**
 * Admin button "Resync": re-reads the CDN account from Aflexi and updates the service's
 * record (status, package); reports an account not found on Aflexi.
 *
 * @return string 'success' or an error message
 */
function aflexi_Resync(array $params): string
{
    return ModuleCall::command('Resync', $params, static fn (Context $c) => (new Provisioner($c))->resync($c->service()));
}

/**
 * Single sign-on ("Login to CDN portal", client area and the admin's service page): the
 * Aflexi portal logged in as this service's publisher and locked to it, through the portal's
 * OAuth (lib/SingleSignOn.php). Refused when the product's "Single sign-on" is off.
 * There is no aflexi_AdminSingleSignOn (operator portal): see docs/AFLEXI-API.md#portal-oauth.
 *
 * @return array{success: bool, redirectTo?: string, errorMsg?: string}
 */
function aflexi_ServiceSingleSignOn(array $params): array
{
    return ModuleCall::singleSignOn('ServiceSingleSignOn', $params, static fn (Context $c): string => (new SingleSignOn($c))->loginUrl());
}
