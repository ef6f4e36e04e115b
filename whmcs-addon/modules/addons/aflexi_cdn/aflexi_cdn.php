<?php
/**
 * Aflexi CDN addon for WHMCS: sells Aflexi CDN accounts ("publishers") with WHMCS products.
 *
 * Utilities > Addon Modules > Aflexi CDN lists the products with a "CDN enabled" tick box;
 * Save Settings stores the choice, previews the synchronization and applies it in bounded
 * steps; hooks.php keeps Aflexi in step with payments, refunds and client changes, and the
 * daily cron reconciles what no hook reports. Who gets CDN: README.md beside `modules/`.
 *
 * The shared library in the `aflexi` server module's lib/ (connection, server credentials,
 * call wrapper with the module log, records, schema, names, welcome template) is reused, not
 * copied: lib/shared.php loads it through WHMCS's ROOTDIR, and its autoloader loads this
 * addon's classes too. The PHP extension `aflexi` does the Aflexi side (the sync engine
 * decides every change).
 */

declare(strict_types=1);

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/shared.php';

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\AdminPage;
use WHMCS\Module\Addon\AflexiCdn\Catalog;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WHMCS\Module\Addon\AflexiCdn\Settings;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;

/**
 * Called by WHMCS for Setup > Addon Modules (list, activation, configuration).
 * Returns the addon's name, version and settings fields.
 */
function aflexi_cdn_config(): array
{
    $defaults = Settings::defaults();
    $default = static fn (string $key): string => (string) $defaults[$key]['default'];
    return [
        'name' => 'Aflexi CDN',
        'description' => 'Synchronizes the clients of CDN-enabled products to Aflexi CDN as publishers, with their packages.',
        'version' => '1.1.0',
        'author' => 'Aflexi',
        'language' => 'english',
        'fields' => [
            'server' => [
                'FriendlyName' => 'Aflexi server',
                'Type' => 'dropdown',
                'Options' => Settings::serverOptions(),
                'Default' => (string) (Settings::safeDefaultServerId() ?: 'explicit'),
                'Description' => 'The WHMCS server record (type Aflexi) holding the operator login and auth key.',
            ],
            'endpoint' => ['FriendlyName' => 'API endpoint', 'Type' => 'text', 'Size' => '60', 'Default' => '',
                'Description' => 'Only without a server record: host, host:port or https://HOST/core/xmlrpc.'],
            'login' => ['FriendlyName' => 'Operator login', 'Type' => 'text', 'Size' => '30', 'Default' => ''],
            'authkey' => ['FriendlyName' => 'Auth key', 'Type' => 'password', 'Size' => '40', 'Default' => ''],
            'concurrency' => ['FriendlyName' => 'Concurrency', 'Type' => 'text', 'Size' => '5', 'Default' => $default('concurrency'),
                'Description' => 'Publishers synchronized at once (1 = one after the other).'],
            'step_seconds' => ['FriendlyName' => 'Seconds per step', 'Type' => 'text', 'Size' => '5', 'Default' => $default('step_seconds'),
                'Description' => sprintf('Work per request of a Save Settings synchronization (%d to %d; keep it well below max_execution_time).',
                    $defaults['step_seconds']['min'], $defaults['step_seconds']['max'])],
            'cron_seconds' => ['FriendlyName' => 'Seconds per cron run', 'Type' => 'text', 'Size' => '5', 'Default' => $default('cron_seconds'),
                'Description' => 'Time budget of the daily reconcile; the rest continues the next run.'],
            'password_roles' => ['FriendlyName' => 'Roles shown passwords', 'Type' => 'text', 'Size' => '20',
                'Default' => (string) Settings::FULL_ADMINISTRATOR_ROLE,
                'Description' => 'Admin role ids (Configuration > System Settings > Administrator Roles), comma-separated, whose admins may see a stored Aflexi password; 1 = Full Administrator. Every view is in the Activity Log.'],
            'drop_on_deactivate' => ['FriendlyName' => 'Drop data on deactivate', 'Type' => 'yesno', 'Default' => '',
                'Description' => 'Delete the synchronized publishers records (and stored passwords) when the addon is deactivated.'],
        ],
    ];
}

/**
 * Called by WHMCS when the addon is activated: creates its tables, the welcome e-mail
 * template (if missing) and the free product addon "Aflexi CDN".
 * Returns ['status' => 'success'|'error', 'description' => ...].
 */
function aflexi_cdn_activate(): array
{
    try {
        Schema::ensure();
        WelcomeTemplate::install();
        Catalog::installAddon();
        return ['status' => 'success', 'description' => 'Aflexi CDN is active. Tick the CDN products on Utilities > Addon Modules > Aflexi CDN and click Save Settings. The product addon "Aflexi CDN" is free; price it in Setup > Product Addons to charge for CDN.'];
    } catch (\Throwable $e) {
        return ['status' => 'error', 'description' => 'Aflexi CDN could not be activated: ' . $e->getMessage()];
    }
}

/**
 * Called by WHMCS when the addon is deactivated. Keeps the synchronized data (and nothing on
 * Aflexi changes) unless "Drop data on deactivate" is set.
 * Returns ['status' => 'success'|'error', 'description' => ...].
 */
function aflexi_cdn_deactivate(): array
{
    try {
        if (Settings::load()->yes('drop_on_deactivate')) {
            Schema::drop();
            return ['status' => 'success', 'description' => 'Aflexi CDN is deactivated and its data (CDN products, synchronized publishers and stored passwords, runs) was deleted, as "Drop data on deactivate" asks. The publishers on Aflexi were not changed.'];
        }
        return ['status' => 'success', 'description' => 'Aflexi CDN is deactivated. Its data (CDN products, synchronized publishers and stored passwords) is kept for a later re-activation; the publishers on Aflexi were not changed. Set "Drop data on deactivate" first to delete it.'];
    } catch (\Throwable $e) {
        return ['status' => 'error', 'description' => 'Aflexi CDN could not be deactivated: ' . $e->getMessage()];
    }
}

/**
 * Called by WHMCS on the first page after the version in _config changed; $vars['version']
 * is the version installed before. Brings the tables up to date. Returns nothing.
 */
function aflexi_cdn_upgrade(array $vars): void
{
    $from = (string) ($vars['version'] ?? '0');
    if (version_compare($from, '1.0.0', '<')) {
        Schema::ensure();
        WelcomeTemplate::install();
        Catalog::installAddon();
    }
    if (version_compare($from, '1.1.0', '<')) {
        Schema::addPublisherIndexes(); // the publishers page's search, filters and sorts
    }
}

/** Called by WHMCS for addonmodules.php?module=aflexi_cdn: echoes the page's HTML. */
function aflexi_cdn_output(array $vars): void
{
    $problem = aflexi_cdn_shared_problem();
    if ($problem !== null) {
        echo '<div class="alert alert-danger">' . htmlspecialchars($problem, ENT_QUOTES, 'UTF-8') . '</div>';
        return;
    }
    $page = new AdminPage($vars);
    if (($_GET['action'] ?? '') === 'export') {
        $page->export($_GET); // a CSV download: ends the request
    }
    echo $page->handle($_GET, $_POST, (int) ($_SESSION['adminid'] ?? 0));
}

/** Called by WHMCS beside the addon page: returns the sidebar HTML (the page menu). */
function aflexi_cdn_sidebar(array $vars): string
{
    if (aflexi_cdn_shared_problem() !== null) {
        return '';
    }
    return (new AdminPage($vars))->sidebar();
}
