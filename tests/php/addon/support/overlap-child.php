<?php
/**
 * One actor of the overlap drill (OverlapTest), a separate PHP process on the test database
 * (WHMCS_HARNESS_ATTACH, the parent's encrypt() key in AFLEXI_TEST_CRYPTO_KEY):
 *
 *   save                 Save Settings runs: Runs::start, then every step until done; again
 *                        and again until the hooks actor is done
 *   reconcile            the cron reconcile (Reconcile::run), again until the hooks actor is done
 *   hooks <ids.json>     for each service, by its index i: i%10 = 0 pay its invoice (InvoicePaid),
 *                        1 pay then refund it (ManualRefund, InvoiceRefunded), 2 edit the client
 *                        (ClientEdit: queued), 3 close the client (ClientClose); then AfterCronJob,
 *                        then it creates the file AFLEXI_DRILL_DONE
 *   module <ids.json>    what a cPanel service's module commands leave in WHMCS (no addon hook
 *                        fires for them, tests/whmcs/README.md#not-firing), round after round until the hooks actor is done,
 *                        then once more: i%10 = 4 Suspend, 5 ChangePackage to the second
 *                        product (back to the first in between), 6 Suspend then Unsuspend
 *   step <run id>        one step of that run through the admin page (action=step), as an
 *                        administrator's browser does; prints the page (DatabaseFailureTest)
 *
 * Each prints "ready", waits for a line on its standard input (all start together), then
 * prints one JSON line with what it did. With AFLEXI_DRILL_STEP_LINES=1, save also prints
 * "step <state>" after each step, for a test that acts between steps.
 */

declare(strict_types=1);

require __DIR__ . '/attach-addon.php';

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Reconcile;
use WHMCS\Module\Addon\AflexiCdn\Runs;
use WHMCS\Module\Addon\AflexiCdn\Settings;
use WhmcsHarness\Actions;
use WhmcsHarness\AddonPage;

$role = $argv[1] ?? '';
$services = in_array($role, ['hooks', 'module'], true) ? json_decode((string) file_get_contents((string) $argv[2]), true) : [];
$done = (string) getenv('AFLEXI_DRILL_DONE');
$hooksDone = static fn (): bool => is_file($done);
$stepLines = getenv('AFLEXI_DRILL_STEP_LINES') === '1';
echo "ready\n";
fgets(STDIN);
$started = microtime(true);
$out = ['role' => $role];

switch ($role) {
    case 'save':
        $runs = new Runs(Settings::load());
        $states = [];
        $reports = [];
        do {
            $runId = $runs->start((int) ($argv[2] ?? 1));
            do {
                $state = $runs->step($runId);
                $states[$state] = ($states[$state] ?? 0) + 1;
                if ($stepLines) {
                    echo "step $state\n";
                }
            } while ($state !== Runs::DONE);
            $reports[$runId] = array_filter($runs->report($runId, 0)['counts']);
        } while (!$hooksDone());
        $out += ['steps' => $states, 'runs' => $reports];
        break;
    case 'reconcile':
        $out['runs'] = [];
        do {
            $result = (new Reconcile(Settings::load()))->run(600000);
            $out['runs'][] = array_filter($result['counts']) + ['pending' => $result['pending'], 'errors' => count($result['errors'])];
        } while (!$hooksDone());
        break;
    case 'hooks':
        $events = [];
        foreach ($services as $i => [$serviceId, $clientId, $invoiceId]) {
            switch ($i % 10) {
                case 0:
                case 1:
                    $total = (float) Capsule::table('tblinvoices')->where('id', $invoiceId)->value('total');
                    $paid = localAPI('AddInvoicePayment', ['invoiceid' => $invoiceId, 'transid' => "TXO$invoiceId",
                        'amount' => $total, 'gateway' => 'mailin']);
                    $events[] = 'paid:' . ($paid['result'] ?? '?');
                    if ($i % 10 === 1) {
                        Actions::manualRefund((int) Capsule::table('tblaccounts')->where('transid', "TXO$invoiceId")->value('id'));
                        $events[] = 'refunded';
                    }
                    break;
                case 2:
                    Actions::editClient($clientId, ['email' => "moved$clientId@example.net", 'lastname' => "Moved$clientId"]);
                    $events[] = 'edited';
                    break;
                case 3:
                    Actions::closeClient($clientId);
                    $events[] = 'closed';
                    break;
            }
        }
        run_hook('AfterCronJob', []);
        touch($done);
        $out['events'] = array_count_values($events);
        break;
    case 'module':
        $products = [(int) getenv('AFLEXI_DRILL_FIRST_PRODUCT'), (int) getenv('AFLEXI_DRILL_SECOND_PRODUCT')];
        $commands = [];
        $rounds = 0;
        do {
            $last = $hooksDone(); // the round that starts after the hooks are done is the last
            $rounds++;
            foreach ($services as $i => [$serviceId]) {
                switch ($i % 10) {
                    case 4:
                        Actions::setServiceStatus($serviceId, $last ? 'Suspended' : ($rounds % 2 === 1 ? 'Suspended' : 'Active'));
                        $commands[] = 'suspend';
                        break;
                    case 5:
                        Capsule::table('tblhosting')->where('id', $serviceId)->update(['packageid' => $products[$last ? 1 : $rounds % 2]]);
                        $commands[] = 'change_package';
                        break;
                    case 6:
                        Actions::setServiceStatus($serviceId, 'Suspended');
                        Actions::setServiceStatus($serviceId, 'Active');
                        $commands[] = 'suspend_unsuspend';
                        break;
                }
            }
        } while (!$last);
        $out += ['rounds' => $rounds, 'commands' => array_count_values($commands)];
        break;
    case 'step':
        $out['page'] = AddonPage::post('aflexi_cdn', [], ['action' => 'step', 'run' => (string) ($argv[2] ?? '')]);
        break;
    default:
        fwrite(STDERR, "unknown role $role\n");
        exit(2);
}
$out['seconds'] = round(microtime(true) - $started, 2);
echo json_encode($out), "\n";
