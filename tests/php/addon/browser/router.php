<?php
/**
 * Router for PHP's built-in server that serves the admin pages of the addon `aflexi_cdn` from
 * the WHMCS stand-in (tests/whmcs), for the browser test tests/php/addon/browser/run.sh:
 *
 *   php -S 127.0.0.1:PORT -d extension=target/release/libaflexi.so tests/php/addon/browser/router.php
 *
 * Environment: WHMCS_DB_* (tests/whmcs/mariadb.sh env), AFLEXI_SANDBOX_HOSTPORT (host:port of
 * a running aflexi-sandbox that knows the operator AFLEXI_DEMO_OPERATOR:AFLEXI_DEMO_AUTHKEY),
 * AFLEXI_DEMO_STATE (a writable file; written once the demo data is seeded) and, best,
 * WHMCS_ROOTDIR (a fixed ROOTDIR, so that a request does not build a new one).
 *
 * Routes:
 *   /addonmodules.php?module=aflexi_cdn&...  the addon page (`aflexi_cdn_output` as admin 1,
 *                                            through WhmcsHarness\AddonPage), in a minimal
 *                                            WHMCS-like admin page
 *   ...&demo=preview                         the preview page the seeding's Save Settings showed
 *   /_demo                                   seeds if needed; JSON {run, products, services}
 *   /bootstrap.min.css                       Debian's libjs-bootstrap (Bootstrap 3), no network
 *   /_chart, /clientsservices.php?id=N        the server module's chart service and admin service page (chartPage())
 *   /login.php, /clientarea.php, ...         the client area and single sign-on (clientarea.php)
 *
 * The first request (run.sh calls /_demo) boots the harness normally - fresh schema - and
 * seeds: products (one named `<script>alert(1)</script> Hosting`, stored raw), clients with
 * non-ASCII names, services, CDN enabled on two products, then Save Settings, Apply and every
 * step against the sandbox, so publishers exist. PHP forgets static state between requests,
 * and the harness's bootstrap would recreate the database in every new "process"; so the
 * later requests define WHMCS_HARNESS_ATTACH (the harness then keeps the seeded data), and the
 * key of the harness's encrypt()/decrypt() (made per process) is kept in the state file and
 * restored with WhmcsHarness\Crypto::exportKey()/useKey().
 *
 * Every request runs as admin 1 with a fresh session: a browser POST gets a valid CSRF token
 * (the one it sends came from another session). This is a demo server, not WHMCS.
 */

declare(strict_types=1);

const MODULE = 'aflexi_cdn';
const BOOTSTRAP_CSS = '/usr/share/javascript/bootstrap/css/bootstrap.min.css';

$path = (string) parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
if ($path === '/bootstrap.min.css') {
    header('Content-Type: text/css');
    readfile(BOOTSTRAP_CSS);
    return true;
}
require_once __DIR__ . '/clientarea.php'; // the client area and its single sign-on (CLIENT_AREA_PATHS)
if (!in_array($path, ['/addonmodules.php', '/_demo', '/', '/_chart', '/clientsservices.php', ...CLIENT_AREA_PATHS], true)) {
    http_response_code(404);
    echo "not found\n";
    return true;
}

$harness = dirname(__DIR__, 3) . '/whmcs';
$stateFile = getenv('AFLEXI_DEMO_STATE') ?: sys_get_temp_dir() . '/aflexi-demo-state.json';
$state = is_file($stateFile) ? json_decode((string) file_get_contents($stateFile), true) : null;

if (is_array($state)) {
    // Seeded before: the harness connects to the data as it is instead of recreating it.
    define('WHMCS_HARNESS_ATTACH', true);
}
require_once "$harness/bootstrap.php";
WhmcsHarness\Modules::loadAddon(MODULE);

use WHMCS\Database\Capsule;
use WhmcsHarness\Addon;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Fixtures;

if (!is_array($state)) {
    $state = seed();
    // The harness's encrypt() key is made per process: kept, so later requests can decrypt.
    $state['crypto_key'] = WhmcsHarness\Crypto::exportKey();
    file_put_contents($stateFile, json_encode($state));
} else {
    WhmcsHarness\Crypto::useKey($state['crypto_key']);
}

if (in_array($path, CLIENT_AREA_PATHS, true)) {
    clientAreaRoute($path, $state, $stateFile);
    return true;
}
if (chartPage($path)) {
    return true;
}
if ($path === '/_demo') {
    header('Content-Type: application/json');
    echo json_encode(['run' => $state['run'], 'products' => $state['products'], 'services' => $state['services']]);
    return true;
}
if ($path === '/') {
    header('Location: /addonmodules.php?module=' . MODULE);
    return true;
}

$query = $_GET;
unset($query['module'], $query['demo']);
try {
    if (($_GET['demo'] ?? '') === 'preview') {
        $body = $state['preview'];
    } elseif ($_SERVER['REQUEST_METHOD'] === 'POST') {
        $form = $_POST;
        unset($form['token']);
        $body = AddonPage::post(MODULE, $form, $query);
    } else {
        $body = AddonPage::get(MODULE, $query);
    }
    $sidebar = AddonPage::sidebar(MODULE);
} catch (Throwable $e) {
    http_response_code(500);
    $body = '<div class="alert alert-danger">' . htmlspecialchars(get_class($e) . ': ' . $e->getMessage()) . '</div>';
    $sidebar = '';
}
header('Content-Type: text/html; charset=utf-8');
echo adminPage($body, $sidebar);
return true;

/** Demo data, Save Settings (the preview is kept), Apply and every step of the run. */
function seed(): array
{
    $hostPort = getenv('AFLEXI_SANDBOX_HOSTPORT') ?: throw new RuntimeException('AFLEXI_SANDBOX_HOSTPORT is not set');
    $serverId = Fixtures::server(['name' => 'Aflexi sandbox', 'hostname' => $hostPort, 'secure' => '',
        'username' => getenv('AFLEXI_DEMO_OPERATOR') ?: 'acme', 'password' => getenv('AFLEXI_DEMO_AUTHKEY') ?: '']);
    $result = Addon::activate(MODULE, ['server' => (string) $serverId]);
    if (($result['status'] ?? null) !== 'success') {
        throw new RuntimeException('activation failed: ' . json_encode($result));
    }
    $shared = Fixtures::productGroup(['name' => 'Shared Hosting']);
    $cpanel = static fn (string $name, string $package, array $o = []): int => Fixtures::product($o + [
        'name' => $name, 'gid' => $shared, 'servertype' => 'cpanel', 'configoptions' => [$package], 'autosetup' => '']);
    $products = [
        'starter' => $cpanel('Starter Hosting', 'starter', ['pricing' => ['monthly' => 4.99, 'annually' => 49.00]]),
        'business' => $cpanel('Business Hosting', 'business', ['pricing' => ['monthly' => 14.99]]),
        'hostile' => $cpanel('<script>alert(1)</script> Hosting', 'hostile'),
        'trial' => $cpanel('Free Trial', 'trial', ['paytype' => 'free']),
        'vps' => Fixtures::product(['name' => 'VPS Medium', 'gid' => Fixtures::productGroup(['name' => 'VPS']),
            'servertype' => '', 'pricing' => ['monthly' => 24.00]]),
    ];
    $clients = [
        ['Zoë', 'Ångström', 'zoe@example.com', 'starter', 'zoeweb', 'Active'],
        ['Łukasz', 'Wójcik', 'lukasz@example.pl', 'starter', 'lukaszw', 'Active'],
        ['José', 'Müller-Peña', 'jose@example.es', 'business', 'josemp', 'Active'],
        ['Ελένη', 'Παπαδοπούλου', 'eleni@example.gr', 'business', 'eleni', 'Active'],
        ['Дмитрий', 'Иванов', 'dmitry@example.ru', 'business', 'dmitry', 'Suspended'],
        ['Chloé', 'Dubois', 'chloe@example.fr', 'hostile', 'chloe', 'Active'],
        ['Søren', 'Kierkegaard', 'soren@example.dk', 'vps', 'soren', 'Active'],
    ];
    $services = [];
    foreach ($clients as [$first, $last, $email, $product, $username, $status]) {
        $client = Fixtures::client(['firstname' => $first, 'lastname' => $last, 'email' => $email]);
        $services[] = Fixtures::service(['userid' => $client, 'packageid' => $products[$product], 'domainstatus' => $status,
            'server' => 0, 'username' => $username, 'domain' => "$username.example.com"]);
    }
    $cdn = [(string) $products['starter'], (string) $products['business']];
    $preview = AddonPage::post(MODULE, ['products' => $cdn], ['action' => 'save']);
    $html = AddonPage::post(MODULE, [], ['action' => 'apply']);
    for ($steps = 0; preg_match('~id="aflexi-step" action="[^"]*run=(\d+)"~', $html, $m) === 1; $steps++) {
        if ($steps > 200) {
            throw new RuntimeException('the run does not finish');
        }
        $html = AddonPage::post(MODULE, [], ['action' => 'step', 'run' => $m[1]]);
    }
    if (!str_contains($html, 'progress-bar-success')) {
        throw new RuntimeException("the run failed:\n$html");
    }
    $run = (int) Capsule::table(WHMCS\Module\Addon\AflexiCdn\Schema::RUNS)->max('id');
    return ['run' => $run, 'products' => $products, 'services' => $services, 'preview' => $preview];
}

/**
 * The server module's pages of one service with daily bandwidth (the usage chart):
 * /_chart makes that service once (a product using the module, Create against the sandbox)
 * and answers {"service": id}; /clientsservices.php?id=N is the admin service page's module
 * fields (aflexi_AdminServicesTabFields). The client's product details page, behind the client
 * login, is clientarea.php's. False for other paths.
 */
function chartPage(string $path): bool
{
    if (!in_array($path, ['/_chart', '/clientsservices.php'], true)) {
        return false;
    }
    WhmcsHarness\Modules::loadServer('aflexi');
    if ($path === '/_chart') {
        $service = (int) Capsule::table('tblhosting as h')->join('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->where('p.servertype', 'aflexi')->value('h.id');
        if ($service === 0) {
            $product = Fixtures::product(['name' => 'CDN Starter', 'servertype' => 'aflexi', 'configoptions' => ['cdn-starter', '', '80,100']]);
            $client = Fixtures::client(['firstname' => 'Zoë', 'lastname' => 'Chart', 'email' => 'chart@example.com']);
            $service = Fixtures::service(['userid' => $client, 'packageid' => $product, 'server' => (int) Capsule::table('tblservers')->value('id'),
                'username' => 'zoechart', 'password' => 'Chart-' . bin2hex(random_bytes(6)), 'domain' => 'zoe-chart.example.com']);
            $created = WhmcsHarness\ModuleRunner::run('Create', $service);
            if ($created['result'] !== 'success') {
                throw new RuntimeException('Create failed: ' . json_encode($created));
            }
        }
        header('Content-Type: application/json');
        echo json_encode(['service' => $service]);
        return true;
    }
    $params = WhmcsHarness\Params::forService((int) ($_GET['id'] ?? 0));
    $rows = '';
    foreach (aflexi_AdminServicesTabFields($params) as $label => $html) {
        $rows .= '<tr><th style="width:220px">' . htmlspecialchars($label) . "</th><td>$html</td></tr>";
    }
    $body = "<div class=\"aflexi-cdn\"><table class=\"table\">$rows</table></div>";
    $title = 'Clients &rsaquo; Products/Services';
    header('Content-Type: text/html; charset=utf-8');
    echo adminPage($body, '', $title);
    return true;
}

/** A minimal WHMCS-like admin page around the addon's HTML (Bootstrap 3, like WHMCS's admin area). */
function adminPage(string $body, string $sidebar, string $title = 'Aflexi CDN'): string
{
    return <<<HTML
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Aflexi CDN - Addon Modules - WHMCS</title>
<link rel="stylesheet" href="/bootstrap.min.css">
<style>
body { background: #f4f6f9; }
.navbar { border-radius: 0; margin-bottom: 0; background: #1a4d80; border: 0; }
.navbar .navbar-brand, .navbar .navbar-text { color: #fff; }
.sidebar { background: #fff; border-right: 1px solid #ddd; min-height: 800px; padding-top: 15px; }
.sidebar .header { display: block; font-weight: bold; padding: 6px 0; border-bottom: 1px solid #eee; }
.sidebar ul.menu { list-style: none; padding: 0; } .sidebar ul.menu li { padding: 5px 0; }
.content { padding: 15px 25px; } .content h1 { margin-top: 5px; font-size: 24px; }
.aflexi-cdn { background: #fff; padding: 15px; border: 1px solid #ddd; border-radius: 4px; }
</style></head>
<body>
<nav class="navbar navbar-default"><div class="container-fluid">
<span class="navbar-brand">WHMCS <small>(stand-in)</small></span>
<p class="navbar-text">Utilities &rsaquo; Addon Modules</p>
<p class="navbar-text navbar-right">Admin User&nbsp;&nbsp;</p>
</div></nav>
<div class="container-fluid"><div class="row">
<div class="col-sm-2 sidebar">$sidebar</div>
<div class="col-sm-10 content">
<ol class="breadcrumb"><li>Addons</li><li class="active">Aflexi CDN</li></ol>
<h1>$title</h1>
$body
</div></div></div>
</body></html>
HTML;
}
