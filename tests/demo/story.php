<?php
/**
 * The main job's story (make demo → scripts/demo.sh): the two product documents
 * (shared/seeds) played through the REAL server module `aflexi` and addon `aflexi_cdn` files
 * on the WHMCS stand-in (tests/whmcs, MariaDB), against the Aflexi sandbox. Each step prints
 * what happened in WHMCS and on Aflexi and checks the outcome against the sandbox's own state
 * and WHMCS's database; the story ends with both states side by side. Exit 1 when any outcome
 * is wrong.
 *
 *   php -d extension=libaflexi.so tests/demo/story.php [--show-passwords] [--serve PORT]
 *
 * Environment: WHMCS_DB_* (tests/whmcs/mariadb.sh env), AFLEXI_SANDBOX_BIN (else the
 * workspace build), WHMCS_ROOTDIR; for --serve also AFLEXI_EXT_SO and AFLEXI_DEMO_STATE
 * (the state file of tests/php/addon/browser/router.php, which then serves the admin pages).
 */

declare(strict_types=1);

use AflexiDemo\AflexiView;
use AflexiDemo\Narrator;
use AflexiDemo\Rules;
use AflexiTests\Support\SandboxProcess;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Schema as AddonSchema;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;
use WhmcsHarness\Actions;
use WhmcsHarness\Addon;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Crypto;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Modules;
use WhmcsHarness\Params;
use WhmcsHarness\Whmcs;

if (!extension_loaded('aflexi')) {
    fwrite(STDERR, "The aflexi extension is not loaded: run scripts/demo.sh (or php -d extension=.../libaflexi.so $argv[0]).\n");
    exit(2);
}
$options = getopt('', ['show-passwords', 'serve:']);
$started = microtime(true);

require_once dirname(__DIR__) . '/whmcs/bootstrap.php';
require_once dirname(__DIR__) . '/php/support/SandboxProcess.php';
require_once dirname(__DIR__) . '/php/module/support/RawXmlRpc.php';
require_once __DIR__ . '/Narrator.php';
require_once __DIR__ . '/AflexiView.php';
require_once __DIR__ . '/Rules.php';

const ADDON = 'aflexi_cdn';
$n = new Narrator(isset($options['show-passwords']));
set_exception_handler(static function (Throwable $e) use ($n): void {
    echo "\nDEMO FAILED in scene {$n->sceneNumber()}: " . get_class($e) . ': ' . $e->getMessage() . ' (' . $e->getFile() . ':' . $e->getLine() . ")\n";
    exit(1);
});
$sandbox = SandboxProcess::shared();
/** Prints the module's and addon's Activity Log lines written since the last call (what the admin reads in WHMCS). */
$activity = static function () use ($n): void {
    static $seen = 0;
    $lines = Whmcs::activityLog();
    foreach (array_slice($lines, $seen) as $line) {
        if (str_starts_with($line, 'Aflexi CDN')) {
            $n->say("activity log: $line");
        }
    }
    $seen = count($lines);
};

// ---------------------------------------------------------------------------------------------
$n->scene('The operator sets up WHMCS: Aflexi server, CDN products, welcome e-mail');
$login = 'acme-hosting';
$authKey = 'demo-' . bin2hex(random_bytes(12));
$portal = 'https://cdn.acme-hosting.example';
$aflexi = new AflexiView($sandbox, $sandbox->addOperator($login, $authKey));
$sandbox->theme($portal, 'Acme CDN', $login);
$n->say("Aflexi: operator account '$login' is #{$aflexi->operatorId}, its portal is $portal (sandbox at {$sandbox->url()})");

Modules::loadServer('aflexi');
$serverId = Fixtures::server(['name' => 'Aflexi CDN', 'hostname' => $sandbox->hostPort(), 'secure' => '',
    'username' => $login, 'password' => $authKey]);
$test = aflexi_TestConnection(Params::forServer($serverId));
$n->say("WHMCS: server #$serverId 'Aflexi CDN' (module aflexi, {$sandbox->hostPort()}, auth key stored encrypted); Test Connection: "
    . ($test['success'] ? 'successful' : $test['error']));
$n->same(true, $test['success'], 'Test Connection accepts the operator');

$cdnGroup = Fixtures::productGroup(['name' => 'CDN']);
$cdnProduct = static fn (string $name, string $package, float $price): int => Fixtures::product(['name' => $name, 'gid' => $cdnGroup,
    'servertype' => 'aflexi', 'configoptions' => [$package], 'autosetup' => 'payment', 'pricing' => ['monthly' => $price]]);
$basic = $cdnProduct('CDN Basic', '', 10.00);
$pro = $cdnProduct('CDN Pro', 'CDN Pro 1TB', 25.00);
$settings = aflexi_ConfigOptions();
foreach ([$basic, $pro] as $pid) {
    run_hook('ProductEdit', ['pid' => $pid]);
}
$n->say("WHMCS: products 'CDN Basic' #$basic (\$10.00/mo, Package name empty: the product name) and 'CDN Pro' #$pro "
    . "(\$25.00/mo, Package name 'CDN Pro 1TB'), module aflexi, set up on first payment; Module Settings: " . implode(', ', array_keys($settings)));
$templateId = (int) Capsule::table('tblemailtemplates')->where('name', WelcomeTemplate::NAME)->value('id');
$n->check($templateId > 0, "e-mail template '" . WelcomeTemplate::NAME . "' installed (#$templateId)");
$n->same([$templateId, $templateId], array_map(static fn (int $pid): int => (int) Capsule::table('tblproducts')->where('id', $pid)->value('welcomeemail'), [$basic, $pro]),
    'both CDN products send it as their welcome e-mail');

// ---------------------------------------------------------------------------------------------
$n->scene('Clients order (with and without a domain; two orders by one client)');
$alice = Fixtures::client(['firstname' => 'Alice', 'lastname' => 'Archer', 'email' => 'alice@example.com', 'companyname' => 'Archer Media']);
$bob = Fixtures::client(['firstname' => 'Bob', 'lastname' => 'Baker', 'email' => 'bob@bakery.example']);
/** An order placed in the client area: order row, Pending service, Unpaid invoice. @return array{int, int} [service, invoice] */
$order = static function (int $client, int $product, string $domain = '') use ($serverId): array {
    $orderId = Fixtures::order(['userid' => $client]);
    $service = Fixtures::service(['userid' => $client, 'packageid' => $product, 'server' => $serverId, 'orderid' => $orderId, 'domain' => $domain]);
    return [$service, Fixtures::invoiceForService($service)];
};
[$aliceBasic, $aliceBasicInvoice] = $order($alice, $basic);
[$bobBasic, $bobInvoice] = $order($bob, $basic, 'www.bobs-bakery.example');
[$alicePro, $aliceProInvoice] = $order($alice, $pro);
$n->say("Alice (client #$alice, alice@example.com) orders CDN Basic without a domain: service #$aliceBasic, invoice #$aliceBasicInvoice \$10.00");
$n->say("Bob (client #$bob) orders CDN Basic with the domain www.bobs-bakery.example: service #$bobBasic, invoice #$bobInvoice \$10.00");
$n->say("Alice orders CDN Pro as well: service #$alicePro, invoice #$aliceProInvoice \$25.00");
$n->same(['Pending', 'Pending', 'Pending'], Rules::statuses([$aliceBasic, $bobBasic, $alicePro]), 'the three services wait for payment (Pending)');
$n->same(0, $aflexi->publisherCount(), 'nothing is created on Aflexi before payment');

// ---------------------------------------------------------------------------------------------
$n->scene('Payments arrive: WHMCS runs CreateAccount; Aflexi gets the publishers');
$pay = static function (int $invoice) use ($n): ?int {
    $total = (float) Capsule::table('tblinvoices')->where('id', $invoice)->value('total');
    $result = localAPI('AddInvoicePayment', ['invoiceid' => $invoice, 'transid' => 'PAY-' . $invoice, 'gateway' => 'mailin', 'amount' => $total]);
    $n->check(($result['result'] ?? '') === 'success', sprintf('payment of $%.2f recorded on invoice #%d', $total, $invoice)
        . (($result['result'] ?? '') === 'success' ? '' : ': ' . json_encode($result)));
    return (int) Capsule::table('tblaccounts')->where('invoiceid', $invoice)->where('amountin', '>', 0)->value('id') ?: null;
};
$created = [
    [$aliceBasicInvoice, $aliceBasic, "alice_example.com_$aliceBasic", 'CDN Basic', 'alice@example.com'],
    [$bobInvoice, $bobBasic, "wwwbobsb_$bobBasic", 'CDN Basic', 'bob@bakery.example'],
    [$aliceProInvoice, $alicePro, "alice_example.com_$alicePro", 'CDN Pro 1TB', 'alice@example.com'],
];
foreach ($created as [$invoice, $service, $username, $package, $email]) {
    $pay($invoice);
    $row = Rules::service($service);
    $n->say("invoice #$invoice paid → CreateAccount for service #$service: WHMCS {$row->domainstatus}, username {$row->username} → Aflexi "
        . $aflexi->describe($username));
    $p = $aflexi->publisher($username);
    $n->same(['Active', $username], [$row->domainstatus, $row->username], "service #$service Active with username $username");
    $n->same(['ACTIVE', $package, $email], [$p['status'] ?? null, $p['package'] ?? null, $p['email'] ?? null],
        "Aflexi publisher $username ACTIVE on package '$package', e-mail $email");
}
$n->say('(with a domain WHMCS makes the username from its first 8 letters; without one the module uses user_domain.com_<service id>)');

// ---------------------------------------------------------------------------------------------
$n->scene('The welcome e-mail (template + EmailPreSend hook of the module)');
$mails = Whmcs::emails(WelcomeTemplate::NAME);
$n->same(3, count($mails), 'one welcome e-mail per created service');
$mail = array_values(array_filter($mails, static fn (array $m): bool => (int) $m['relid'] === $aliceBasic))[0] ?? null;
$password = Crypto::decrypt((string) Rules::service($aliceBasic)->password);
if ($n->check($mail !== null, "welcome e-mail of service #$aliceBasic sent")) {
    $text = trim(html_entity_decode(strip_tags(preg_replace('~<br\s*/?>|</p>~i', "\n", (string) $mail['message'])), ENT_QUOTES | ENT_HTML5));
    $n->say("To: {$mail['to']}");
    $n->say("Subject: {$mail['subject']}");
    foreach (explode("\n", str_replace($password, $n->secret($password), $text)) as $line) {
        if (trim($line) !== '') {
            $n->say('│ ' . trim($line));
        }
    }
    $n->check(str_contains($mail['message'], "Username: alice_example.com_$aliceBasic"), 'it shows the CDN username');
    $n->check(str_contains($mail['message'], "href=\"$portal\""), "it links to the operator's portal $portal");
    $n->check($password !== '' && str_contains($mail['message'], "Password: $password"), 'it shows the service password (' . strlen($password) . ' characters)');
}
$n->check($aflexi->passwordWorks("alice_example.com_$aliceBasic", $password), 'that password logs in to Aflexi');

// ---------------------------------------------------------------------------------------------
$n->scene('Module commands from the admin area: Suspend, Unsuspend, Change Package, Change Password, Terminate, Create again');
$command = static function (string $api, int $service, array $extra, string $label) use ($n): void {
    $result = localAPI($api, ['serviceid' => $service] + $extra);
    $n->check(($result['result'] ?? '') === 'success', "$label of service #$service: WHMCS says " . ($result['result'] ?? '?')
        . (isset($result['message']) ? " ({$result['message']})" : ''));
};
$bobUser = "wwwbobsb_$bobBasic";
$command('ModuleSuspend', $bobBasic, ['suspendreason' => 'Overdue on payment'], 'Suspend');
$n->say('→ Aflexi ' . $aflexi->describe($bobUser));
$n->same(['Suspended', 'SUSPENDED'], [Rules::service($bobBasic)->domainstatus, $aflexi->publisher($bobUser)['status'] ?? null], 'suspended on both sides');
$command('ModuleUnsuspend', $bobBasic, [], 'Unsuspend');
$n->say('→ Aflexi ' . $aflexi->describe($bobUser));
$n->same(['Active', 'ACTIVE'], [Rules::service($bobBasic)->domainstatus, $aflexi->publisher($bobUser)['status'] ?? null], 'active again on both sides');

$aliceUser = "alice_example.com_$aliceBasic";
$before = $aflexi->publisher($aliceUser);
localAPI('UpdateClientProduct', ['serviceid' => $aliceBasic, 'pid' => $pro]);
$command('ModuleChangePackage', $aliceBasic, [], "Upgrade to CDN Pro (Change Package)");
$after = $aflexi->publisher($aliceUser);
$n->say('→ Aflexi ' . $aflexi->describe($aliceUser));
$n->same(['CDN Pro 1TB', $before['id'] ?? null], [$after['package'] ?? null, $after['id'] ?? null], 'same publisher, now on package CDN Pro 1TB');

$newPassword = 'Np' . bin2hex(random_bytes(6)) . 'X7';
$command('ModuleChangePw', $aliceBasic, ['servicepassword' => $newPassword], 'Change Password');
$n->say('→ Aflexi: the password of ' . $aliceUser . ' is now ' . $n->secret($newPassword));
$n->check($aflexi->passwordWorks($aliceUser, $newPassword), 'the new password logs in to Aflexi');
$n->check(!$aflexi->passwordWorks($aliceUser, $password), 'the old one no longer does');
$n->same($newPassword, Crypto::decrypt((string) Rules::service($aliceBasic)->password), 'WHMCS stores the new password (encrypted)');

$aliceProUser = "alice_example.com_$alicePro";
$command('ModuleTerminate', $alicePro, [], 'Terminate');
$n->say('→ Aflexi ' . $aflexi->describe($aliceProUser));
$n->same(['Terminated', 'DELETED'], [Rules::service($alicePro)->domainstatus, $aflexi->publisher($aliceProUser)['status'] ?? null], 'terminated in WHMCS, deleted on Aflexi');
$gone = $aflexi->publisher($aliceProUser);
$command('ModuleCreate', $alicePro, [], 'Create again (re-creating after Terminate)');
$n->say('→ Aflexi ' . $aflexi->describe($aliceProUser));
$back = $aflexi->publisher($aliceProUser);
$n->same(['Active', 'ACTIVE', $gone['id'] ?? null], [Rules::service($alicePro)->domainstatus, $back['status'] ?? null, $back['id'] ?? null],
    'active again on both sides, the same publisher (nothing created twice)');

// ---------------------------------------------------------------------------------------------
$n->scene('The addon: CDN for cPanel hosting products, Save Settings synchronizes');
$activated = Addon::activate(ADDON, ['server' => (string) $serverId]);
$n->same('success', $activated['status'] ?? null, "addon 'Aflexi CDN' activated with server #$serverId");
$hostingGroup = Fixtures::productGroup(['name' => 'Shared Hosting']);
$hosting = static fn (string $name, string $package, array $o = []): int => Fixtures::product($o + ['name' => $name, 'gid' => $hostingGroup,
    'servertype' => 'cpanel', 'configoptions' => [$package], 'autosetup' => '']);
$starter = $hosting('Starter Hosting', 'starter', ['pricing' => ['monthly' => 4.99]]);
$business = $hosting('Business Hosting', 'business', ['pricing' => ['monthly' => 14.99]]);
$trial = $hosting('Free Trial', 'trial', ['paytype' => 'free']);
$carol = Fixtures::client(['firstname' => 'Carol', 'lastname' => 'Chen', 'email' => 'carol@example.com']);
$dave = Fixtures::client(['firstname' => 'Dave', 'lastname' => 'Dunn', 'email' => 'dave@example.net']);
$erin = Fixtures::client(['firstname' => 'Erin', 'lastname' => 'Evans', 'email' => 'erin@example.org']);
$active = static fn (int $client, int $product, string $username) => Fixtures::service(['userid' => $client, 'packageid' => $product,
    'domainstatus' => 'Active', 'server' => 0, 'username' => $username]);
$carolStarter = $active($carol, $starter, 'carolweb');
$daveBusiness = $active($dave, $business, '');
$erinTrial = $active($erin, $trial, 'erintrial');
$n->say("WHMCS: cPanel products 'Starter Hosting' #$starter (package starter), 'Business Hosting' #$business (business), 'Free Trial' #$trial (free)");
$n->say("existing customers: Carol #$carol on Starter (username carolweb), Dave #$dave on Business (no username), Erin #$erin on the Free Trial");
$page = AddonPage::get(ADDON);
$n->check(str_contains($page, 'Starter Hosting') && !str_contains($page, 'CDN Basic'),
    'Utilities > Addon Modules > Aflexi CDN lists the hosting products (not the module\'s CDN products)');
$ticked = [$starter, $business, $trial];
$preview = AddonPage::post(ADDON, ['products' => array_map('strval', $ticked)], ['action' => 'save']);
$n->say('the admin ticks CDN on Starter, Business and Free Trial and clicks Save Settings; the preview (nothing changed yet):');
preg_match_all('~<tr><th>([^<]*)</th><td class="aflexi-count-([a-z_]+)">(\d+)</td></tr>~', $preview, $counts, PREG_SET_ORDER);
$n->say('   ' . implode(' · ', array_map(static fn (array $c): string => "{$c[1]}: {$c[3]}", $counts)));
$n->same(['create' => '2'], array_intersect_key(array_column($counts, 3, 2), ['create' => 1]), 'the preview announces 2 publishers to create');
$n->say('the admin clicks Apply; the run proceeds in steps, as the page does in the browser');
$html = AddonPage::post(ADDON, [], ['action' => 'apply']);
for ($steps = 0; preg_match('~id="aflexi-step" action="[^"]*run=(\d+)"~', $html, $m) === 1 && $steps < 100; $steps++) {
    $html = AddonPage::post(ADDON, [], ['action' => 'step', 'run' => $m[1]]);
}
$run = (int) Capsule::table(AddonSchema::RUNS)->max('id');
$n->check(str_contains($html, 'progress-bar-success'), "the run #$run finished successfully after " . ($steps + 1) . ' request(s)');
foreach ([['carolweb', 'starter', 'carol@example.com'], ['dave_example.net', 'business', 'dave@example.net']] as [$username, $package, $email]) {
    $p = $aflexi->publisher($username);
    $n->say('→ Aflexi ' . $aflexi->describe($username));
    $n->same(['ACTIVE', $package, $email], [$p['status'] ?? null, $p['package'] ?? null, $p['email'] ?? null], "$username ACTIVE on package '$package', e-mail $email");
}
$n->same(null, $aflexi->publisher('erintrial'), 'Erin\'s free trial is not synchronized (free products never are)');

// ---------------------------------------------------------------------------------------------
$n->scene('A payment to a CDN-enabled product (InvoicePaid hook of the addon)');
$frank = Fixtures::client(['firstname' => 'Frank', 'lastname' => 'Fischer', 'email' => 'frank@example.com']);
$frankBusiness = $active($frank, $business, '');
$frankInvoice = Fixtures::invoiceForService($frankBusiness);
$n->say("Frank (client #$frank) gets Business Hosting (service #$frankBusiness, set up by cPanel) and pays invoice #$frankInvoice");
$frankPayment = $pay($frankInvoice);
$n->say('→ Aflexi ' . $aflexi->describe('frank_example.com'));
$activity();
$n->same(['ACTIVE', 'business'], [$aflexi->publisher('frank_example.com')['status'] ?? null, $aflexi->publisher('frank_example.com')['package'] ?? null],
    'frank_example.com created ACTIVE on package business');

// ---------------------------------------------------------------------------------------------
$n->scene('A client changes e-mail (ClientEdit queues her, the next cron run synchronizes)');
Actions::editClientInClientArea($carol, ['email' => 'carol@chen-studio.example']);
$n->say('Carol saves her profile in the client area with carol@chen-studio.example: no Aflexi call on her request, e-mail on Aflexi still '
    . ($aflexi->publisher('carolweb')['email'] ?? '?'));
run_hook('AfterCronJob', []);
$n->say('the next WHMCS cron run (AfterCronJob) → Aflexi ' . $aflexi->describe('carolweb') . ', e-mail ' . ($aflexi->publisher('carolweb')['email'] ?? '?'));
$activity();
$n->same('carol@chen-studio.example', $aflexi->publisher('carolweb')['email'] ?? null, 'the new e-mail is on Aflexi (the username stays carolweb)');

// ---------------------------------------------------------------------------------------------
$n->scene('An invoice is refunded (ManualRefund + InvoiceRefunded hooks of the addon)');
Actions::manualRefund((int) $frankPayment);
$n->say("the admin refunds Frank's payment on invoice #$frankInvoice (status " . Capsule::table('tblinvoices')->where('id', $frankInvoice)->value('status')
    . ') → Aflexi ' . $aflexi->describe('frank_example.com'));
$activity();
$n->same('SUSPENDED', $aflexi->publisher('frank_example.com')['status'] ?? null, 'frank_example.com suspended on Aflexi');

// ---------------------------------------------------------------------------------------------
$n->scene('The daily cron (UsageUpdate of the module, reconcile of the addon)');
$fingerprint = $aflexi->fingerprint();
$activity();
Actions::runDailyCron();
$activity();
if (function_exists('aflexi_UsageUpdate')) {
    foreach ([$aliceBasic, $bobBasic] as $service) {
        $row = Rules::service($service);
        $n->say("UsageUpdate: service #$service {$row->username}: {$row->bwusage} MB this month (updated {$row->lastupdate})");
        $n->check($row->lastupdate !== '0000-00-00 00:00:00', "bandwidth usage of service #$service updated from Aflexi");
    }
} else {
    $n->say('(the module defines no UsageUpdate yet: no bandwidth figures)');
}
$view = aflexi_ClientArea(Params::forService($aliceBasic))['templateVariables'] ?? [];
$n->say(sprintf("Alice's product details page (client area): username %s, %s, package %s, bandwidth %s, log in at %s",
    $view['aflexiUsername'] ?? '?', $view['aflexiStatus'] ?? '?', $view['aflexiPackage'] ?? '?', $view['aflexiBandwidth'] ?? '?', $view['aflexiPortalUrl'] ?? '?'));
$n->same([$aliceUser, 'CDN Pro 1TB', $portal], [$view['aflexiUsername'] ?? null, $view['aflexiPackage'] ?? null, $view['aflexiPortalUrl'] ?? null],
    'the client area shows her CDN username, package and portal');
$n->check($aflexi->fingerprint() === $fingerprint, 'the cron finds WHMCS and Aflexi in agreement: nothing to change on Aflexi');

// ---------------------------------------------------------------------------------------------
$n->scene('A client is closed, another deleted (ClientClose / PreDeleteClient hooks of the module)');
$rules = new Rules($aflexi, $n);
$rules->remember([$aliceBasic, $alicePro, $bobBasic]);
Actions::closeClient($bob);
$n->say("Bob's account is closed: WHMCS sets service #$bobBasic " . Rules::service($bobBasic)->domainstatus . ' → Aflexi ' . $aflexi->describe($bobUser));
$activity();
$n->same('SUSPENDED', $aflexi->publisher($bobUser)['status'] ?? null, "Bob's CDN account suspended (closing suspends)");
Actions::deleteClient($alice);
$n->say("Alice's account is deleted with her services → Aflexi " . $aflexi->describe($aliceUser) . '; ' . $aflexi->describe($aliceProUser));
$activity();
$n->same(['DELETED', 'DELETED'], [$aflexi->publisher($aliceUser)['status'] ?? null, $aflexi->publisher($aliceProUser)['status'] ?? null],
    "Alice's CDN accounts deleted");
$n->same(0, Capsule::table('tblhosting')->where('userid', $alice)->count(), "her services are gone from WHMCS");

// ---------------------------------------------------------------------------------------------
$n->scene('WHMCS and Aflexi side by side');
$rules->sideBySide(
    ['module' => [$aliceBasic, $alicePro, $bobBasic], 'addon' => [$carolStarter, $daveBusiness, $erinTrial, $frankBusiness]]
);
$logged = count(Whmcs::moduleLog()) + count(Whmcs::activityLog());
$n->check($logged > 0 && array_merge(Whmcs::leaksOf($authKey), Whmcs::leaksOf($password), Whmcs::leaksOf($newPassword)) === [],
    "the auth key and the passwords are in none of the $logged module-log and activity-log entries");

// ---------------------------------------------------------------------------------------------
$seconds = microtime(true) - $started;
$failures = $n->failures();
echo "\n";
if ($failures !== []) {
    echo sprintf("DEMO FAILED: %d of %d outcomes wrong (%.1f s):\n", count($failures), $n->checks(), $seconds);
    foreach ($failures as $failure) {
        echo "  ✗ $failure\n";
    }
    exit(1);
}
echo sprintf("Demo passed: all %d outcomes as the product documents say (%.1f s).\n", $n->checks(), $seconds);

if (isset($options['serve'])) {
    require __DIR__ . '/serve.php';
    serveAdminPages((string) $options['serve'], $sandbox, ['run' => $run, 'preview' => $preview,
        'products' => ['starter' => $starter, 'business' => $business, 'trial' => $trial],
        'services' => [$carolStarter, $daveBusiness, $erinTrial, $frankBusiness]]);
}
