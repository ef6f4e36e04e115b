<?php
/**
 * The "cPanel CDN feature" step of a Save Settings run: CDN-enabled products of the cpanel
 * server module get Aflexi's cPanel plugin (feature `cdn`) on in their WHM package's feature
 * list, through the extension (Aflexi\Whm) against the WHM stand-in (tests/whm-sandbox);
 * results go to the run's report and the module log, never failing the Aflexi sync.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use AflexiTests\Support\WhmProcess;
use WHMCS\Database\Capsule;
use WhmcsHarness\Fixtures;

require_once dirname(__DIR__) . '/support/WhmProcess.php';

final class CpanelFeatureTest extends AddonTestCase
{
    private static ?WhmProcess $whm = null;
    private int $whmServerId;

    protected function setUp(): void
    {
        parent::setUp();
        // One stand-in per test: its packages and lists are this test's alone.
        self::$whm?->stop();
        self::$whm = new WhmProcess();
        $this->whmServerId = $this->cpanelServer(WhmProcess::TOKEN);
    }

    public static function tearDownAfterClass(): void
    {
        self::$whm?->stop();
        self::$whm = null;
        parent::tearDownAfterClass();
    }

    private function whm(): WhmProcess
    {
        return self::$whm ?? throw new \LogicException('no WHM stand-in');
    }

    /** A cPanel server record on the stand-in: plain HTTP (Secure off), the token as access hash. */
    private function cpanelServer(string $token, string $hostPort = ''): int
    {
        return Fixtures::server(['name' => 'cPanel one', 'type' => 'cpanel', 'hostname' => $hostPort ?: $this->whm()->hostPort(),
            'secure' => '', 'username' => WhmProcess::USER, 'password' => '', 'accesshash' => $token]);
    }

    /** A CDN-able cPanel product on package $package with one Active service on $serverId. */
    private function cpanelProduct(string $package, int $serverId, string $name = 'Hosting'): int
    {
        $productId = $this->product($name . ' ' . $package, $package);
        $this->activeService($productId, ['server' => $serverId]);
        return $productId;
    }

    /** The latest run's cPanel rows as [package => [status, error]]. */
    private function cpanelRows(): array
    {
        $rows = [];
        $run = (int) Capsule::table('mod_aflexi_cdn_runs')->max('id');
        foreach (Capsule::table('mod_aflexi_cdn_cpanel')->where('run_id', $run)->orderBy('id')->get() as $row) {
            $rows[$row->package] = [$row->status, $row->error];
        }
        return $rows;
    }

    public function testTheFeatureIsTurnedOnKeepingTheOtherFeaturesAndARerunWritesNothing(): void
    {
        $this->whm()->seed(['featurelists' => ['gold_list' => ['webmail', 'autossl']],
            'packages' => ['gold' => ['FEATURELIST' => 'gold_list', 'QUOTA' => 500]]]);
        $product = $this->cpanelProduct('gold', $this->whmServerId);

        $html = $this->saveAndApply([$product]);
        self::assertSame(['autossl', 'cdn', 'webmail'], $this->whm()->state()['featurelists']['gold_list']);
        self::assertSame(500, $this->whm()->state()['packages']['gold']['QUOTA']);
        self::assertSame(['gold' => ['enabled', null]], $this->cpanelRows());
        self::assertStringContainsString('cPanel CDN feature', $html);
        self::assertStringContainsString('aflexi-cpanel-enabled', $html);

        $this->whm()->resetCalls();
        $this->saveAndApply([$product]);
        self::assertSame(0, $this->whm()->writes(), json_encode($this->whm()->calls()));
        self::assertSame(['gold' => ['already_on', null]], $this->cpanelRows());
    }

    public function testAPackageOnTheDefaultListGetsItsOwnListAndNoOtherPackageChanges(): void
    {
        $this->whm()->seed(['packages' => ['silver' => ['FEATURELIST' => 'default', 'QUOTA' => 2048], 'other' => []]]);
        $default = $this->whm()->state()['featurelists']['default'];
        $product = $this->cpanelProduct('silver', $this->whmServerId);
        $this->saveAndApply([$product]);
        $state = $this->whm()->state();
        self::assertSame('silver_cdn', $state['packages']['silver']['FEATURELIST']);
        self::assertSame(2048, $state['packages']['silver']['QUOTA']);
        self::assertContains('cdn', $state['featurelists']['silver_cdn']);
        self::assertSame($default, $state['featurelists']['default']);
        self::assertSame('default', $state['packages']['other']['FEATURELIST']);
    }

    public function testAMissingPackageIsReportedAndTheAflexiSyncStillSucceeds(): void
    {
        $this->whm()->seed(['packages' => ['gold' => []]]);
        $product = $this->cpanelProduct('platinum', $this->whmServerId);
        $serviceId = (int) Capsule::table('tblhosting')->where('packageid', $product)->value('id');

        $html = $this->saveAndApply([$product]);
        self::assertSame('ACTIVE', $this->record($serviceId)?->status, 'the Aflexi publisher is synchronized anyway');
        self::assertNotNull($this->publisher($this->usernameOf($serviceId)));
        [$status, $error] = $this->cpanelRows()['platinum'];
        self::assertSame('failed', $status);
        self::assertStringContainsString('cPanel package "platinum" does not exist on the WHM server', (string) $error);
        self::assertStringContainsString('aflexi-cpanel-failed', $html);
        self::assertSame(0, $this->whm()->writes());
    }

    public function testAWrongTokenOrAWhmThatIsDownIsReportedAndTheTokenIsNeverShownOrLogged(): void
    {
        $this->whm()->seed(['packages' => ['gold' => [], 'bronze' => []]]);
        $wrong = 'WRONGTOKEN55aa-never-print';
        $badServer = $this->cpanelServer($wrong);
        // A port nothing listens on: the stand-in's, once it is stopped.
        $down = new WhmProcess();
        $downHost = $down->hostPort();
        $down->stop();
        $downServer = $this->cpanelServer(WhmProcess::TOKEN, $downHost);
        $p1 = $this->cpanelProduct('gold', $badServer);
        $p2 = $this->cpanelProduct('bronze', $downServer);

        $html = $this->saveAndApply([$p1, $p2]);
        $rows = $this->cpanelRows();
        self::assertSame('failed', $rows['gold'][0]);
        self::assertStringContainsString('WHM authentication failed', (string) $rows['gold'][1]);
        self::assertSame('failed', $rows['bronze'][0]);
        self::assertStringContainsString('WHM API connection refused', (string) $rows['bronze'][1]);
        $logs = json_encode(Capsule::table('tblmodulelog')->get()->all());
        self::assertStringContainsString('CpanelFeature', (string) $logs);
        foreach ([$wrong, WhmProcess::TOKEN] as $token) {
            self::assertStringNotContainsString($token, $html);
            self::assertStringNotContainsString($token, (string) $logs);
            self::assertStringNotContainsString($token, json_encode($rows));
        }
    }

    public function testNonCpanelProductsAreUntouchedAndADisabledProductKeepsItsFeature(): void
    {
        $this->whm()->seed(['featurelists' => ['gold_list' => ['webmail']], 'packages' => ['gold' => ['FEATURELIST' => 'gold_list']]]);
        $other = Fixtures::product(['name' => 'Plesk thing', 'servertype' => 'plesk', 'configoptions' => ['gold']]);
        $this->activeService($other, ['server' => $this->whmServerId]);
        $this->saveAndApply([$other]);
        self::assertSame([], $this->whm()->calls(), 'a plesk product never reaches WHM');
        self::assertSame([], $this->cpanelRows());

        $product = $this->cpanelProduct('gold', $this->whmServerId);
        $this->saveAndApply([$product]);
        self::assertContains('cdn', $this->whm()->state()['featurelists']['gold_list']);
        $this->whm()->resetCalls();
        $this->saveAndApply([]);
        self::assertSame([], $this->whm()->calls(), 'disabling the product calls WHM for nothing');
        self::assertContains('cdn', $this->whm()->state()['featurelists']['gold_list']);
    }

    public function testOneCallSequencePerServerAndPackageHoweverManyProductsShareIt(): void
    {
        $this->whm()->seed(['featurelists' => ['gold_list' => []], 'packages' => ['gold' => ['FEATURELIST' => 'gold_list']]]);
        $a = $this->cpanelProduct('gold', $this->whmServerId, 'A');
        $b = $this->cpanelProduct('gold', $this->whmServerId, 'B');
        $this->saveAndApply([$a, $b]);
        $functions = array_column($this->whm()->calls(), 'function');
        self::assertSame(['listpkgs', 'get_featurelist_data', 'update_featurelist'], $functions);
        self::assertCount(1, $this->cpanelRows());
    }

    public function testAnUnusableServerRecordIsRefusedByTheExtensionWithoutEchoingSecrets(): void
    {
        foreach ([['hostname' => '', 'ipaddress' => '', 'username' => 'root', 'accesshash' => 'SECRETHASH-1'],
            ['hostname' => 'whm.example', 'username' => '', 'accesshash' => 'SECRETHASH-1'],
            ['hostname' => 'whm.example', 'username' => 'root', 'accesshash' => " \n ", 'password' => ''],
            ['hostname' => 'whm.example', 'username' => 'root', 'accesshash' => 'SECRETHASH-1', 'port' => 70000]] as $record) {
            try {
                new \Aflexi\Whm($record);
                self::fail('accepted: ' . json_encode(array_keys($record)));
            } catch (\Aflexi\InvalidInputException $e) {
                self::assertStringNotContainsString('SECRETHASH', $e->getMessage());
            }
        }
        // An old multi-line WHM access hash is one token once its line breaks are removed.
        $this->whm()->seed(['packages' => ['gold' => []]]);
        $half = intdiv(strlen(WhmProcess::TOKEN), 2);
        $whm = new \Aflexi\Whm(['hostname' => $this->whm()->hostPort(), 'secure' => '', 'username' => WhmProcess::USER,
            'accesshash' => substr(WhmProcess::TOKEN, 0, $half) . "\n" . substr(WhmProcess::TOKEN, $half) . "\n"]);
        $result = $whm->ensureFeature('gold');
        self::assertSame('created', $result['status'], (string) $result['error']);
        self::assertSame(['listpkgs', 'get_featurelist_data', 'update_featurelist', 'editpkg'], array_column($result['calls'], 'function'));
    }

    public function testTheDailyCronReconcileTurnsTheFeatureOnToo(): void
    {
        $this->whm()->seed(['featurelists' => ['gold_list' => ['webmail']], 'packages' => ['gold' => ['FEATURELIST' => 'gold_list']]]);
        $product = $this->cpanelProduct('gold', $this->whmServerId);
        \WHMCS\Module\Addon\AflexiCdn\Catalog::setEnabled([$product]);
        (new \WHMCS\Module\Addon\AflexiCdn\Reconcile(\WHMCS\Module\Addon\AflexiCdn\Settings::load()))->run();
        self::assertSame(['cdn', 'webmail'], $this->whm()->state()['featurelists']['gold_list']);
        $stored = Capsule::table('mod_aflexi_cdn_cpanel')->where('run_id', 0)->pluck('status')->all();
        self::assertSame(['enabled'], $stored);
    }
}
