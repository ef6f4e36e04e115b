<?php
/**
 * The stand-in's client area for the single sign-on browser test (tests/php/addon/browser/sso.sh),
 * served by router.php. Fidelity notes: docs/WHMCS-FIDELITY.md ("Client area: product details
 * and single sign-on").
 *
 *   /login.php  GET: WHMCS's client login form (email, password, goto).
 *   /dologin.php  POST: checks the client's password against tblclients.password (a
 *                 password_hash, as WHMCS stores it), starts the session, redirects to goto.
 *   /clientarea.php?action=productdetails&id=N
 *       needs a logged-in client; a service of another client is not shown (WHMCS only looks up
 *       the logged-in client's services: the services list instead, with nothing of the other
 *       service). GET renders the module's ClientArea template (as WHMCS's product details
 *       page does); dosinglesignon=1 (a POST, or a GET link as the cPanel and Plesk modules that ship with WHMCS make) calls <module>_ServiceSingleSignOn($params) and
 *       redirects to redirectTo, or shows errorMsg (escaped).
 *   /_sso_seed   test driver: the server-module product (Single sign-on on), two clients
 *                with passwords, a created service each; JSON.
 *   /_sso_login?as=alice&goto=...  test driver: the login form filled in and submitted by a
 *                script, as a person would (the browser keeps the session cookie).
 *   /_sso_post?id=N  test driver: a page that POSTs dosinglesignon=1 for service N (what a
 *                client could forge with another client's service id).
 *   /_sso_leaks  test driver: JSON {checked, leaks}: which stored consumer secrets or the
 *                operator's auth key appear in any table whose name says log.
 * `&autoclick=1` on the product details page adds a script that clicks "Login to CDN portal".
 */

declare(strict_types=1);

use WHMCS\Database\Capsule;
use WhmcsHarness\Fixtures;
use WhmcsHarness\ModuleRunner;
use WhmcsHarness\Params;

const CLIENT_AREA_PATHS = ['/login.php', '/dologin.php', '/clientarea.php', '/_sso_seed', '/_sso_login', '/_sso_post', '/_sso_leaks'];
const SSO_CLIENTS = ['alice' => ['Alice', 'Anders', 'alice@example.com'], 'bob' => ['Bob', 'Berg', 'bob@example.com']];

/** Serves one client-area request; $state is the demo state (with 'sso' once seeded). */
function clientAreaRoute(string $path, array $state, string $stateFile): void
{
    session_start(['cookie_httponly' => true, 'cookie_samesite' => 'Lax']);
    $e = static fn (mixed $v): string => htmlspecialchars((string) $v, ENT_QUOTES, 'UTF-8');
    if ($path === '/_sso_seed') {
        $state['sso'] ??= ssoSeed();
        file_put_contents($stateFile, json_encode($state));
        header('Content-Type: application/json');
        echo json_encode($state['sso']);
        return;
    }
    $sso = $state['sso'] ?? throw new RuntimeException('call /_sso_seed first');
    if ($path === '/_sso_leaks') {
        $stored = Capsule::schema()->hasTable('mod_aflexi_sso_consumers') ? Capsule::table('mod_aflexi_sso_consumers')->pluck('consumer_secret')->all() : [];
        $secrets = array_map(static fn ($c): string => (string) decrypt((string) $c), $stored);
        $secrets[] = (string) decrypt((string) Capsule::table('tblservers')->where('type', 'aflexi')->value('password'));
        $leaks = [];
        foreach (Capsule::select("SHOW TABLES LIKE '%log%'") as $row) {
            $table = (string) array_values((array) $row)[0];
            foreach (Capsule::table($table)->get() as $entry) {
                $text = implode(' | ', array_map('strval', (array) $entry));
                foreach ($secrets as $i => $secret) {
                    if ($secret !== '' && (str_contains($text, $secret) || str_contains($text, rawurlencode($secret)))) {
                        $leaks[] = "$table: secret #$i";
                    }
                }
            }
        }
        header('Content-Type: application/json');
        echo json_encode(['checked' => count($secrets), 'leaks' => $leaks]);
        return;
    }
    if ($path === '/_sso_login') {
        [, , $email] = SSO_CLIENTS[(string) ($_GET['as'] ?? '')] ?? throw new RuntimeException('unknown client');
        $password = $sso['passwords'][$_GET['as']];
        clientPage('Login', '<form id="login" method="post" action="dologin.php">'
            . '<input name="username" value="' . $e($email) . '"><input type="password" name="password" value="' . $e($password) . '">'
            . '<input type="hidden" name="goto" value="' . $e($_GET['goto'] ?? 'clientarea.php') . '"><button>Login</button></form>'
            . '<script>document.getElementById("login").submit();</script>');
        return;
    }
    if ($path === '/login.php') {
        clientPage('Login', '<form method="post" action="dologin.php"><input name="username"><input type="password" name="password">'
            . '<input type="hidden" name="goto" value="' . $e($_GET['goto'] ?? 'clientarea.php') . '"><button>Login</button></form>');
        return;
    }
    if ($path === '/dologin.php') {
        $client = Capsule::table('tblclients')->where('email', (string) ($_POST['username'] ?? ''))->first();
        if ($client === null || !password_verify((string) ($_POST['password'] ?? ''), (string) $client->password)) {
            header('Location: /login.php?incorrect=true');
            return;
        }
        session_regenerate_id(true);
        $_SESSION['uid'] = (int) $client->id;
        $goto = (string) ($_POST['goto'] ?? '');
        header('Location: /' . (preg_match('~^(clientarea\.php|_sso_post)\b~', $goto) === 1 ? $goto : 'clientarea.php'));
        return;
    }
    $uid = (int) ($_SESSION['uid'] ?? 0);
    if ($uid === 0) {
        header('Location: /login.php?goto=' . rawurlencode(ltrim((string) $_SERVER['REQUEST_URI'], '/')));
        return;
    }
    if ($path === '/_sso_post') {
        clientPage('Forged request', '<form id="forge" method="post" action="clientarea.php?action=productdetails&amp;id=' . (int) ($_GET['id'] ?? 0) . '">'
            . '<input type="hidden" name="dosinglesignon" value="1"></form><script>document.getElementById("forge").submit();</script>');
        return;
    }
    $serviceId = (int) ($_GET['id'] ?? 0);
    $service = Capsule::table('tblhosting')->where('id', $serviceId)->where('userid', $uid)->first();
    if (($_GET['action'] ?? '') !== 'productdetails' || $service === null) {
        clientPage('My Products &amp; Services', '<div class="alert alert-info" id="services-list">Your services: '
            . $e(implode(', ', Capsule::table('tblhosting')->where('userid', $uid)->pluck('id')->all())) . '</div>');
        return;
    }
    $module = (string) Capsule::table('tblproducts')->where('id', $service->packageid)->value('servertype');
    WhmcsHarness\Modules::loadServer($module);
    $params = Params::forService($serviceId);
    if (($_REQUEST['dosinglesignon'] ?? '') === '1') {
        $result = ("{$module}_ServiceSingleSignOn")($params);
        if (($result['success'] ?? false) === true && is_string($result['redirectTo'] ?? null)) {
            header('Location: ' . $result['redirectTo']);
            return;
        }
        clientPage('Product Details', '<div class="alert alert-danger" id="sso-error">' . $e($result['errorMsg'] ?? 'Single sign-on failed') . '</div>');
        return;
    }
    require_once dirname(__DIR__, 2) . '/module/support/Smarty.php';
    $output = ("{$module}_ClientArea")($params);
    $html = AflexiModuleTests\Support\Smarty::render(ROOTDIR . "/modules/servers/$module/" . $output['tabOverviewModuleOutputTemplate'], $output['templateVariables']);
    if (($_GET['autoclick'] ?? '') === '1') {
        $html .= '<script>document.getElementById("aflexi-sso").click();</script>';
    }
    clientPage('Product Details', $html);
}

/** The SSO demo data: a server-module product with Single sign-on on, two clients, a created service each. */
function ssoSeed(): array
{
    WhmcsHarness\Modules::loadServer('aflexi');
    $serverId = (int) Capsule::table('tblservers')->where('type', 'aflexi')->orderBy('id')->value('id');
    $hostPort = getenv('AFLEXI_SANDBOX_HOSTPORT') ?: throw new RuntimeException('AFLEXI_SANDBOX_HOSTPORT is not set');
    // The operator's portal is the sandbox, which emulates /mini_publisher.php.
    $theme = stream_context_create(['http' => ['method' => 'POST', 'header' => 'Content-Type: application/json',
        'content' => json_encode(['operator' => getenv('AFLEXI_DEMO_OPERATOR') ?: 'acme', 'portalUrl' => "http://$hostPort", 'portalName' => ''])]]);
    file_get_contents("http://$hostPort/_sandbox/theme", false, $theme);
    // Pages shown before (the chart's) cached the old portal URL for an hour: forget it, as if
    // the hour had passed since the operator changed their portal.
    Capsule::table('mod_aflexi_servers')->where('server_id', $serverId)->update(['portal_checked_at' => null]);
    $product = Fixtures::product(['name' => 'CDN Standard', 'servertype' => 'aflexi', 'configoptions' => ['cdn-standard', 'on'], 'autosetup' => '']);
    $out = ['services' => [], 'usernames' => [], 'passwords' => []];
    foreach (SSO_CLIENTS as $who => [$first, $last, $email]) {
        $password = 'Pw-' . bin2hex(random_bytes(6));
        $client = Fixtures::client(['firstname' => $first, 'lastname' => $last, 'email' => $email, 'password' => password_hash($password, PASSWORD_DEFAULT)]);
        $service = Fixtures::service(['userid' => $client, 'packageid' => $product, 'server' => $serverId, 'domain' => '', 'username' => '']);
        $result = ModuleRunner::run('Create', $service);
        if ($result['result'] !== 'success') {
            throw new RuntimeException("Create of $who failed: " . ($result['message'] ?? ''));
        }
        $record = Capsule::table('mod_aflexi_publishers')->where('service_id', $service)->first();
        $operatorId = (int) Capsule::table('mod_aflexi_servers')->where('server_id', $serverId)->value('operator_id');
        $out['services'][$who] = $service;
        $out['usernames'][$who] = $record->username . '/' . $operatorId;
        $out['passwords'][$who] = $password;
    }
    return $out;
}

/** A minimal WHMCS-like client area page (Bootstrap 3, like WHMCS's Six theme). */
function clientPage(string $title, string $body): void
{
    header('Content-Type: text/html; charset=utf-8');
    echo <<<HTML
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>$title - Client Area - WHMCS</title>
<link rel="stylesheet" href="/bootstrap.min.css"></head>
<body><nav class="navbar navbar-default"><div class="container"><span class="navbar-brand">WHMCS <small>(stand-in client area)</small></span></div></nav>
<div class="container"><h1>$title</h1>
$body
</div></body></html>
HTML;
}
