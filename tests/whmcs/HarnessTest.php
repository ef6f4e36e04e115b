<?php
/**
 * The WHMCS stand-in's own tests: the parts of it that hold logic behave as WHMCS does
 * (whmcs-reference.md sections in each test's docblock where it helps).
 *
 * Two fakes are used: the server module `harnesstest` (its functions are at the bottom of this
 * file; FakeServerModule records their calls and decides their results) and the addon
 * `harnessaddon`, written into ROOTDIR/modules/addons/ before the first test.
 */

declare(strict_types=1);

use WHMCS\Database\Capsule;
use WhmcsHarness\Actions;
use WhmcsHarness\Addon;
use WhmcsHarness\AdminHome;
use WhmcsHarness\Config;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Crypto;
use WhmcsHarness\Email\UnsupportedTemplateSyntax;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Hooks;
use WhmcsHarness\Modules;
use WhmcsHarness\Params;
use WhmcsHarness\SecretMask;
use WhmcsHarness\TestCase;
use WhmcsHarness\TokenRejected;
use WhmcsHarness\Whmcs;

final class HarnessTest extends TestCase
{
    public static function setUpBeforeClass(): void
    {
        FakeAddon::install();
    }

    protected function setUp(): void
    {
        parent::setUp();
        FakeServerModule::reset();
    }

    // ---- logModuleCall (developers.whmcs.com/provisioning-modules/module-logging) ---------------

    public function testLogModuleCallMasksEveryReplaceVarsValueInRequestResponseAndProcessed(): void
    {
        logModuleCall('aflexi', 'CreateAccount', 'user=bob&pass=S3cret-Pass', 'key K-123 accepted for S3cret-Pass', ['ok' => 'K-123'], ['S3cret-Pass', 'K-123']);

        $entry = Whmcs::moduleLog('CreateAccount')[0];
        $this->assertSame('user=bob&pass=' . SecretMask::MASK, $entry['request']);
        $this->assertSame('key ' . SecretMask::MASK . ' accepted for ' . SecretMask::MASK, $entry['response']);
        $this->assertSame(['ok' => SecretMask::MASK], $entry['processed']);
        $stored = Capsule::table('tblmodulelog')->first();
        $this->assertStringNotContainsString('S3cret-Pass', $stored->request . $stored->response . $stored->arrdata);
    }

    public function testLogModuleCallMasksValuesInsideNestedArraysAndKeys(): void
    {
        logModuleCall('aflexi', 'Sync', ['auth' => ['key' => 'K-999', 'list' => ['x', 'K-999']], 'K-999' => 1], '', '', ['K-999']);

        $request = Whmcs::moduleLog()[0]['request'];
        $this->assertSame(['auth' => ['key' => SecretMask::MASK, 'list' => ['x', SecretMask::MASK]], SecretMask::MASK => 1], $request);
    }

    public function testLogModuleCallMasksAValueThatAppearsJsonEscapedInsideJson(): void
    {
        $secret = 'p/a"ss\\wörd';
        logModuleCall('aflexi', 'Call', json_encode(['password' => $secret]), json_encode(['echo' => $secret], JSON_UNESCAPED_UNICODE), '', [$secret]);

        $entry = Whmcs::moduleLog()[0];
        $this->assertSame('{"password":"' . SecretMask::MASK . '"}', $entry['request']);
        $this->assertSame('{"echo":"' . SecretMask::MASK . '"}', $entry['response']);
    }

    public function testLogModuleCallIgnoresEmptyReplaceVarsValues(): void
    {
        logModuleCall('aflexi', 'Call', 'request', 'response', '', ['', null]);

        $this->assertSame('request', Whmcs::moduleLog()[0]['request']);
    }

    public function testLogModuleCallIsANoOpWhileModuleDebugLoggingIsOff(): void
    {
        Fixtures::config('ModuleDebugMode', '');

        logModuleCall('aflexi', 'Call', 'request', 'response', '', []);

        $this->assertSame([], Whmcs::moduleLog());
        $this->assertSame(0, Capsule::table('tblmodulelog')->count());
    }

    public function testLeaksOfReportsASecretLoggedInAnEncodingThatMaskingDoesNotCover(): void
    {
        logModuleCall('aflexi', 'Call', '<string>a&amp;b&lt;c</string>', 'ok', '', ['a&b<c']);
        logActivity('Auth key K-777 rejected');

        $this->assertSame(['module log #0 (Call) request_text'], Whmcs::leaksOf('a&b<c'));
        $this->assertSame(['activity log #0: Auth key K-777 rejected'], Whmcs::leaksOf('K-777'));
        $this->assertSame([], Whmcs::leaksOf('never-logged'));
    }

    // ---- encrypt / decrypt (developers.whmcs.com/api-reference/encryptpassword, docs/WHMCS-FIDELITY.md) ---

    public function testEncryptThenDecryptGivesBackThePlaintext(): void
    {
        foreach (['', 'simple', 'ünïcødé ✓ pass', str_repeat('x', 1000)] as $plain) {
            $this->assertSame($plain, decrypt(encrypt($plain)));
        }
    }

    public function testEncryptedValuesAreNotThePlaintextAndDifferEachTime(): void
    {
        $a = encrypt('hunter2hunter2');
        $b = encrypt('hunter2hunter2');

        $this->assertStringNotContainsString('hunter2', $a);
        $this->assertNotSame($a, $b);
    }

    public function testDecryptOfAValueNeverEncryptedReturnsEmptyOrGarbageAsWhmcsDoes(): void
    {
        $this->assertSame('', decrypt(''));
        foreach (['plain-api-key', 'k', str_repeat('A', 26)] as $short) {
            $this->assertSame('', decrypt($short), 'up to 20 decoded bytes: all of it is WHMCS\'s IV block');
        }
        foreach (['aflexi-auth-key-0123456789abcdefghij', base64_encode(random_bytes(80))] as $long) {
            $garbage = decrypt($long);
            $this->assertNotSame('', $garbage, 'WHMCS has no "not a ciphertext" answer');
            $this->assertNotSame($long, $garbage);
            $this->assertSame(strlen(base64_decode($long)) - 20, strlen($garbage));
            $this->assertFalse(mb_check_encoding($garbage, 'UTF-8'), 'not clean text');
            $this->assertSame($garbage, decrypt($long), 'the same garbage each time');
        }
    }

    public function testAServerPasswordStoredPlainReachesParamsAsGarbage(): void
    {
        $server = Fixtures::server(['accesshash' => 'HASH-as-entered']);
        Capsule::table('tblservers')->where('id', $server)->update(['password' => 'stored-plain-and-long-enough-to-decipher']);

        $params = Params::forServer($server);

        $this->assertNotSame('stored-plain-and-long-enough-to-decipher', $params['serverpassword']);
        $this->assertNotSame('', $params['serverpassword']);
        $this->assertSame('HASH-as-entered', $params['serveraccesshash'], 'the access hash is handed over as stored');
    }

    public function testAnotherProcessAttachesToTheDataAndSharesTheEncryptionKey(): void
    {
        $client = Fixtures::client(['firstname' => 'Attach', 'email' => 'attach@example.com']);
        Capsule::table('tblclients')->where('id', $client)->update(['notes' => encrypt('parent secret')]);
        $script = sprintf(<<<'PHP'
            const WHMCS_HARNESS_ATTACH = true;
            require %s;
            WhmcsHarness\Crypto::useKey((string) getenv('HARNESS_KEY'));
            $notes = (string) WHMCS\Database\Capsule::table('tblclients')->where('id', %d)->value('notes');
            echo json_encode(['plain' => decrypt($notes), 'mine' => encrypt('child secret')]);
            PHP, var_export(__DIR__ . '/bootstrap.php', true), $client);
        $child = proc_open([PHP_BINARY, '-r', $script], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['HARNESS_KEY' => Crypto::exportKey()] + getenv());
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        proc_close($child);
        $got = json_decode((string) $out, true);

        $this->assertIsArray($got, $out . $err);
        $this->assertSame('parent secret', $got['plain'], 'the child saw the row (nothing emptied) and decrypted it');
        $this->assertSame('child secret', decrypt($got['mine']));
        $this->assertSame('Attach', Capsule::table('tblclients')->where('id', $client)->value('firstname'));
    }

    public function testStopRecordingKeepsNoCallsUntilTheNextReset(): void
    {
        encrypt('a');
        Whmcs::stopRecording();
        encrypt('b');
        $this->assertSame([], Whmcs::calls('encrypt'));
        Whmcs::reset();
        encrypt('c');
        $this->assertCount(1, Whmcs::calls('encrypt'));
    }

    public function testAKeyThatIsNotAnExportedOneIsRefused(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        Crypto::useKey('short');
    }

    public function testEncryptPasswordAndDecryptPasswordRoundTripThroughLocalAPI(): void
    {
        $encrypted = localAPI('EncryptPassword', ['password2' => 'Pa55'])['password'];

        $this->assertSame(['result' => 'success', 'password' => 'Pa55'], localAPI('DecryptPassword', ['password2' => $encrypted]));
    }

    // ---- CSRF tokens (tests/whmcs/README.md#csrf) -----------------------------------------------

    public function testCheckTokenAcceptsTheSessionTokenPostedAsToken(): void
    {
        $_POST['token'] = generate_token('plain');

        $this->assertTrue(check_token('WHMCS.admin.default'));
    }

    public function testCheckTokenRejectsAMissingToken(): void
    {
        generate_token('plain');

        $this->expectException(TokenRejected::class);
        check_token();
    }

    public function testCheckTokenRejectsATokenOfAnotherSession(): void
    {
        $stale = generate_token('plain');
        Whmcs::reset();
        generate_token('plain');
        $_POST['token'] = $stale;

        $this->expectException(TokenRejected::class);
        check_token('WHMCS.admin.default');
    }

    public function testGenerateTokenGivesTheHiddenInputNamedTokenByDefault(): void
    {
        $token = generate_token('plain');

        $this->assertSame('<input type="hidden" name="token" value="' . $token . '" />', generate_token());
        $this->assertSame('&token=' . $token, generate_token('link'));
    }

    // ---- hooks (developers.whmcs.com/hooks/getting-started) -------------------------------------

    public function testRunHookRunsLowerPrioritiesFirstThenRegistrationOrderAndReturnsTheirValues(): void
    {
        add_hook('ClientEdit', 5, static fn (): string => 'five');
        add_hook('ClientEdit', 1, static fn (): string => 'one-a');
        add_hook('ClientEdit', 1, static fn (): string => 'one-b');
        add_hook('InvoicePaid', 0, static fn (): string => 'other point');

        $this->assertSame(['one-a', 'one-b', 'five'], run_hook('ClientEdit', ['userid' => 1]));
    }

    public function testRunHookPassesThePayloadToEachHookAndRecordsTheRun(): void
    {
        $seen = [];
        add_hook('InvoicePaid', 1, static function (array $vars) use (&$seen): void {
            $seen[] = $vars;
        });

        run_hook('InvoicePaid', ['invoiceid' => 7]);

        $this->assertSame([['invoiceid' => 7]], $seen);
        $this->assertSame(['invoiceid' => 7], Whmcs::hookRuns('InvoicePaid')[0]['vars']);
    }

    public function testHooksRegisteredByATestAreDroppedAtResetButModuleHooksStay(): void
    {
        Modules::loadAddon('harnessaddon');
        add_hook('ClientClose', 1, static fn (): string => 'test hook');

        Whmcs::reset();

        $sources = array_column(Hooks::registered('ClientClose'), 'source');
        $this->assertSame(['addon:harnessaddon'], $sources);
    }

    public function testAddonHooksRunOnlyWhileTheAddonIsActive(): void
    {
        Modules::loadAddon('harnessaddon');

        $this->assertSame([], run_hook('ClientClose', ['userid' => 1]));
        Addon::activate('harnessaddon');
        $this->assertSame(['harnessaddon saw client 1'], run_hook('ClientClose', ['userid' => 1]));
    }

    // ---- GetClientsDetails / GetClientsProducts / UpdateClientProduct (developers.whmcs.com/api/internal-api) ---

    public function testGetClientsDetailsReturnsTheClientWithUnicodeNamesIntact(): void
    {
        // Characters of up to three bytes: what WHMCS's utf8mb3 tables can hold (four-byte ones:
        // FidelityTest).
        $clientId = Fixtures::client(['firstname' => 'Zoë', 'lastname' => '山田 ☃', 'email' => 'zoe@example.com']);

        $result = localAPI('GetClientsDetails', ['clientid' => $clientId]);

        $this->assertSame('success', $result['result']);
        $this->assertSame('Zoë 山田 ☃', $result['client']['fullname']);
        $this->assertSame('USD', $result['client']['currency_code']);
        $this->assertSame('zoe@example.com', $result['email'], 'the deprecated top-level copy');
        $this->assertSame(['result' => 'error', 'message' => 'Client Not Found'], localAPI('GetClientsDetails', ['clientid' => $clientId + 1]));
    }

    public function testGetClientsProductsReturns25ServicesByDefaultAndCountsThemAll(): void
    {
        $clientId = Fixtures::client();
        $productId = Fixtures::product();
        for ($i = 0; $i < 30; $i++) {
            Fixtures::service(['userid' => $clientId, 'packageid' => $productId]);
        }

        $result = localAPI('GetClientsProducts', ['clientid' => $clientId]);

        $this->assertSame('30', $result['totalresults']);
        $this->assertSame(25, $result['numreturned']);
        $this->assertCount(25, $result['products']['product']);
    }

    public function testGetClientsProductsPagesWithLimitstartAndLimitnum(): void
    {
        $clientId = Fixtures::client();
        $ids = [];
        for ($i = 0; $i < 5; $i++) {
            $ids[] = Fixtures::service(['userid' => $clientId]);
        }

        $page = localAPI('GetClientsProducts', ['clientid' => $clientId, 'limitstart' => 3, 'limitnum' => 10]);

        $this->assertSame([(string) $ids[3], (string) $ids[4]], array_column($page['products']['product'], 'id'));
        $this->assertSame(3, $page['startnumber']);
    }

    public function testGetClientsProductsGivesTheDecryptedPasswordAndFiltersByService(): void
    {
        $serviceId = Fixtures::service(['username' => 'alice', 'password' => 'Secr3t!']);
        Fixtures::service();

        $result = localAPI('GetClientsProducts', ['serviceid' => $serviceId]);

        $this->assertSame('1', $result['totalresults']);
        $this->assertSame('Secr3t!', $result['products']['product'][0]['password']);
        $this->assertSame('alice', $result['products']['product'][0]['username']);
    }

    public function testUpdateClientProductStoresTheServicePasswordEncrypted(): void
    {
        $serviceId = Fixtures::service();

        $result = localAPI('UpdateClientProduct', [
            'serviceid' => $serviceId, 'serviceusername' => 'bob_42', 'servicepassword' => 'N3w-pass',
            'status' => 'Active', 'bwusage' => 1500, 'bwlimit' => 10000,
        ]);

        $row = Capsule::table('tblhosting')->find($serviceId);
        $this->assertSame(['result' => 'success', 'serviceid' => (string) $serviceId], $result);
        $this->assertSame('bob_42', $row->username);
        $this->assertNotSame('N3w-pass', $row->password);
        $this->assertSame('N3w-pass', decrypt($row->password));
        $this->assertSame(['Active', 1500, 10000], [$row->domainstatus, (int) $row->bwusage, (int) $row->bwlimit]);
    }

    public function testUpdateClientProductWritesCustomFieldsGivenAsBase64SerializedArray(): void
    {
        $productId = Fixtures::product();
        $fieldId = Fixtures::customField(['relid' => $productId, 'fieldname' => 'cdn_hostname|CDN hostname']);
        $serviceId = Fixtures::service(['packageid' => $productId]);

        localAPI('UpdateClientProduct', ['serviceid' => $serviceId, 'customfields' => base64_encode(serialize([$fieldId => 'cdn.example.net']))]);

        $this->assertSame(['cdn_hostname' => 'cdn.example.net'], Params::forService($serviceId)['customfields']);
    }

    public function testUpdateClientProductOfAnUnknownServiceSaysServiceIDNotFound(): void
    {
        $this->assertSame(['result' => 'error', 'message' => 'Service ID Not Found'], localAPI('UpdateClientProduct', ['serviceid' => 999]));
    }

    public function testGetClientsAddonsListsTheAddonsOfAService(): void
    {
        $serviceId = Fixtures::service();
        $addonId = Fixtures::productAddon(['name' => 'Extra TB']);
        $clientAddonId = Fixtures::clientAddon(['hostingid' => $serviceId, 'addonid' => $addonId, 'recurring' => 5]);
        Fixtures::clientAddon();

        $result = localAPI('GetClientsAddons', ['serviceid' => $serviceId]);

        $this->assertSame('1', $result['totalresults']);
        $this->assertSame([(string) $clientAddonId, 'Extra TB', '5.00'], [
            $result['addons']['addon'][0]['id'], $result['addons']['addon'][0]['name'], $result['addons']['addon'][0]['recurring'],
        ]);
    }

    public function testAnUnknownCommandAnswersCommandNotFound(): void
    {
        $this->assertSame(['result' => 'error', 'message' => 'Command Not Found'], localAPI('GetMoonPhase', []));
    }

    public function testFakeApiReplacesACommandAndTheCallIsStillRecorded(): void
    {
        Whmcs::fakeApi('GetClientsDetails', ['result' => 'error', 'message' => 'Client Not Found']);

        localAPI('GetClientsDetails', ['clientid' => 5]);

        $call = Whmcs::apiCalls('GetClientsDetails')[0];
        $this->assertSame(['clientid' => 5], $call['values']);
        $this->assertSame('error', $call['result']['result']);
    }

    // ---- invoices and payments (developers.whmcs.com/hooks-reference, tests/whmcs/README.md#not-firing) ---

    public function testGetInvoiceListsItemsWithTypeAndRelid(): void
    {
        $serviceId = Fixtures::service();
        $addonId = Fixtures::clientAddon(['hostingid' => $serviceId]);
        $invoiceId = Fixtures::invoice([], [
            ['type' => 'Hosting', 'relid' => $serviceId, 'amount' => 10],
            ['type' => 'Addon', 'relid' => $addonId, 'amount' => 2.5],
        ]);

        $result = localAPI('GetInvoice', ['invoiceid' => $invoiceId]);

        $items = $result['items']['item'];
        $this->assertSame([['Hosting', $serviceId], ['Addon', $addonId]], array_map(static fn (array $i): array => [$i['type'], $i['relid']], $items));
        $this->assertSame(['12.50', '12.50', 'Unpaid', ''], [$result['total'], $result['balance'], $result['status'], $result['transactions']]);
    }

    public function testAddInvoicePaymentMarksTheInvoicePaidRecordsTheTransactionAndRunsInvoicePaid(): void
    {
        $invoiceId = Fixtures::invoiceForService(Fixtures::service(), 10.0);
        $paid = [];
        add_hook('InvoicePaid', 1, static function (array $vars) use (&$paid): void {
            $paid[] = [$vars['invoiceid'], $vars['invoice']->status];
        });

        $result = localAPI('AddInvoicePayment', ['invoiceid' => $invoiceId, 'transid' => 'TX-1', 'gateway' => 'paypal']);

        $this->assertSame(['result' => 'success'], $result);
        $this->assertSame([[$invoiceId, 'Paid']], $paid);
        $this->assertSame('TX-1', Capsule::table('tblaccounts')->where('invoiceid', $invoiceId)->value('transid'));
        $this->assertSame(['AddInvoicePayment', 'InvoicePaidPreEmail', 'InvoicePaid'], array_column(Whmcs::hookRuns(), 'point'));
    }

    public function testAPartialPaymentDoesNotRunInvoicePaid(): void
    {
        $invoiceId = Fixtures::invoiceForService(Fixtures::service(), 10.0);

        localAPI('AddInvoicePayment', ['invoiceid' => $invoiceId, 'transid' => 'TX-2', 'gateway' => 'paypal', 'amount' => 4]);

        $this->assertSame([], Whmcs::hookRuns('InvoicePaid'));
        $this->assertSame('6.00', localAPI('GetInvoice', ['invoiceid' => $invoiceId])['balance']);
    }

    public function testPayingTheFirstInvoiceOfAnAutosetupOnPaymentProductCreatesTheServiceBeforeInvoicePaid(): void
    {
        $productId = Fixtures::product(['servertype' => 'harnesstest', 'autosetup' => 'payment']);
        $serviceId = Fixtures::service(['packageid' => $productId]);
        $invoiceId = Fixtures::invoiceForService($serviceId);
        $statusSeenByHook = null;
        add_hook('InvoicePaid', 1, static function () use ($serviceId, &$statusSeenByHook): void {
            $statusSeenByHook = Capsule::table('tblhosting')->where('id', $serviceId)->value('domainstatus');
        });

        localAPI('AddInvoicePayment', ['invoiceid' => $invoiceId, 'transid' => 'TX-3', 'gateway' => 'paypal']);

        $this->assertSame(['CreateAccount'], array_column(FakeServerModule::$calls, 'function'));
        $this->assertSame('Active', $statusSeenByHook);
    }

    public function testAddInvoicePaymentRefusesACancelledInvoice(): void
    {
        $invoiceId = Fixtures::invoice(['status' => 'Cancelled']);

        $result = localAPI('AddInvoicePayment', ['invoiceid' => $invoiceId, 'transid' => 'TX-4', 'gateway' => 'paypal']);

        $this->assertSame('It is not possible to add a payment to an invoice that is Cancelled', $result['message']);
    }

    public function testUpdateInvoiceToCancelledDoesNotRunInvoiceCancelledAsInWHMCS(): void
    {
        $invoiceId = Fixtures::invoice();

        $result = localAPI('UpdateInvoice', ['invoiceid' => $invoiceId, 'status' => 'Cancelled']);

        $this->assertSame('success', $result['result']);
        $this->assertSame('Cancelled', Capsule::table('tblinvoices')->where('id', $invoiceId)->value('status'));
        $this->assertSame([], Whmcs::hookRuns('InvoiceCancelled'));
    }

    public function testCancellingAnInvoiceInTheAdminAreaRunsInvoiceCancelled(): void
    {
        $invoiceId = Fixtures::invoice();

        Actions::cancelInvoice($invoiceId);

        $this->assertSame([['invoiceid' => $invoiceId]], array_column(Whmcs::hookRuns('InvoiceCancelled'), 'vars'));
    }

    public function testUpdateInvoiceRejectsAnUnknownStatus(): void
    {
        $invoiceId = Fixtures::invoice();

        $this->assertSame('Invalid status Gone', localAPI('UpdateInvoice', ['invoiceid' => $invoiceId, 'status' => 'Gone'])['message']);
    }

    public function testAManualRefundRunsManualRefundWithTheTransidAndAmountOnly(): void
    {
        $invoiceId = Fixtures::invoiceForService(Fixtures::service(), 10.0, ['status' => 'Paid']);
        $paymentId = Fixtures::transaction(['invoiceid' => $invoiceId, 'transid' => 'PAY-9', 'amountin' => 10]);

        Actions::manualRefund($paymentId);

        $this->assertSame([['transid' => 'PAY-9', 'amount' => 10.0]], array_column(Whmcs::hookRuns('ManualRefund'), 'vars'));
        $this->assertSame([['invoiceid' => $invoiceId]], array_column(Whmcs::hookRuns('InvoiceRefunded'), 'vars'));
        $this->assertSame('Refunded', Capsule::table('tblinvoices')->where('id', $invoiceId)->value('status'));
    }

    // ---- SendEmail (developers.whmcs.com/api-reference/sendemail) -------------------------------

    public function testSendEmailRendersAProductTemplateWithTheServiceMergeFields(): void
    {
        $templateId = Fixtures::emailTemplate([
            'name' => 'Aflexi CDN Welcome',
            'subject' => 'Welcome to {$service_product_name}',
            'message' => '<p>Hi {$client_name|escape}, login {$service_username} / {$service_password} at {$company_name}</p>',
        ]);
        $productId = Fixtures::product(['name' => 'CDN Pro', 'welcomeemail' => $templateId]);
        $clientId = Fixtures::client(['firstname' => 'Ann', 'lastname' => '<O\'Neil>']);
        $serviceId = Fixtures::service(['packageid' => $productId, 'userid' => $clientId, 'username' => 'ann_1', 'password' => 'Pw-123']);

        $result = localAPI('SendEmail', ['messagename' => 'Aflexi CDN Welcome', 'id' => $serviceId]);

        $email = Whmcs::emails('Aflexi CDN Welcome')[0];
        $this->assertSame(['result' => 'success'], $result);
        $this->assertSame('Welcome to CDN Pro', $email['subject']);
        $this->assertSame('<p>Hi Ann &lt;O&#039;Neil&gt;, login ann_1 / Pw-123 at Harness Hosting</p>', $email['message']);
        $this->assertSame(Capsule::table('tblclients')->where('id', $clientId)->value('email'), $email['to']);
    }

    public function testSendEmailRunsEmailPreSendAndRendersTheMergeFieldsItReturns(): void
    {
        Fixtures::emailTemplate(['name' => 'Aflexi CDN Welcome', 'message' => 'Your CNAME: {$aflexi_cname}']);
        $serviceId = Fixtures::service(['domain' => 'shop.example']);
        add_hook('EmailPreSend', 1, static function (array $vars): array {
            if ($vars['messagename'] !== 'Aflexi CDN Welcome') {
                return [];
            }
            return ['aflexi_cname' => $vars['mergefields']['service_domain'] . '.cdn.test', 'relid_seen' => $vars['relid']];
        });

        localAPI('SendEmail', ['messagename' => 'Aflexi CDN Welcome', 'id' => $serviceId]);

        $email = Whmcs::emails()[0];
        $this->assertSame('Your CNAME: shop.example.cdn.test', $email['message']);
        $this->assertSame($serviceId, $email['mergefields']['relid_seen']);
    }

    public function testSendEmailIsAbortedByAnEmailPreSendHookReturningAbortsend(): void
    {
        Fixtures::emailTemplate(['name' => 'Aflexi CDN Welcome']);
        add_hook('EmailPreSend', 1, static fn (): array => ['abortsend' => true]);

        $result = localAPI('SendEmail', ['messagename' => 'Aflexi CDN Welcome', 'id' => Fixtures::service()]);

        $this->assertSame('Sending Failed. Please see documentation.', $result['message']);
        $this->assertSame([], Whmcs::emails());
    }

    public function testSendEmailOfAnUnknownTemplateSaysEmailTemplateNotFound(): void
    {
        $result = localAPI('SendEmail', ['messagename' => 'No Such Template', 'id' => Fixtures::service()]);

        $this->assertSame(['result' => 'error', 'message' => 'Email Template not found'], $result);
    }

    public function testSendEmailWithoutARelatedIdSaysARelatedIDIsRequired(): void
    {
        Fixtures::emailTemplate(['name' => 'Aflexi CDN Welcome']);

        $this->assertSame(['result' => 'error', 'message' => 'A related ID is required'], localAPI('SendEmail', ['messagename' => 'Aflexi CDN Welcome']));
    }

    public function testSendEmailToAClientWithoutAnEmailAddressFailsAndIsLogged(): void
    {
        Fixtures::emailTemplate(['name' => 'Aflexi CDN Welcome']);
        $serviceId = Fixtures::service(['userid' => Fixtures::client(['email' => ''])]);

        $result = localAPI('SendEmail', ['messagename' => 'Aflexi CDN Welcome', 'id' => $serviceId]);

        $this->assertSame('Sending Failed. Please see documentation.', $result['message']);
        $this->assertStringStartsWith('Email Sending Failed', Whmcs::activityLog()[0]);
    }

    public function testSendEmailAcceptsCustomvarsAsBase64SerializedArray(): void
    {
        $serviceId = Fixtures::service();

        localAPI('SendEmail', [
            'customtype' => 'product', 'customsubject' => 'Note', 'custommessage' => 'Value: {$extra}', 'id' => $serviceId,
            'customvars' => base64_encode(serialize(['extra' => '42'])),
        ]);

        $this->assertSame('Value: 42', Whmcs::emails()[0]['message']);
    }

    public function testATemplateUsingSmartyBeyondTheSubsetIsRefusedLoudly(): void
    {
        Fixtures::emailTemplate(['name' => 'Fancy', 'message' => '{if $service_username}x{/if} a { literal brace }']);

        $this->expectException(UnsupportedTemplateSyntax::class);
        localAPI('SendEmail', ['messagename' => 'Fancy', 'id' => Fixtures::service()]);
    }

    // ---- Module* commands (developers.whmcs.com/provisioning-modules/supported-functions, developers.whmcs.com/hooks-reference) ---

    public function testModuleCreateRunsTheModuleThenActivatesTheServiceAndSendsTheWelcomeEmail(): void
    {
        $templateId = Fixtures::emailTemplate(['name' => 'Harness Welcome', 'message' => 'user {$service_username}']);
        $productId = Fixtures::product(['servertype' => 'harnesstest', 'welcomeemail' => $templateId]);
        $serviceId = Fixtures::service(['packageid' => $productId, 'username' => 'u1', 'password' => 'p1']);
        FakeServerModule::$onCreate = static function (array $params): string {
            // written back before returning success (tests/whmcs/README.md#write-back): the welcome email must see it
            localAPI('UpdateClientProduct', ['serviceid' => $params['serviceid'], 'serviceusername' => 'remote_u1']);
            return 'success';
        };

        $result = localAPI('ModuleCreate', ['serviceid' => $serviceId]);

        $this->assertSame(['result' => 'success'], $result);
        $this->assertSame('Active', Capsule::table('tblhosting')->where('id', $serviceId)->value('domainstatus'));
        $this->assertSame('user remote_u1', Whmcs::emails('Harness Welcome')[0]['message']);
        $this->assertSame([$serviceId], array_map(static fn (array $r): int => $r['vars']['params']['serviceid'], Whmcs::hookRuns('AfterModuleCreate')));
        $this->assertContains("Module Create Successful - Service ID: $serviceId", Whmcs::activityLog());
    }

    public function testModuleCreateFailureReturnsTheModuleMessageAndLeavesTheServicePending(): void
    {
        $serviceId = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest'])]);
        FakeServerModule::$onCreate = static fn (): string => 'Aflexi said no';

        $result = localAPI('ModuleCreate', ['serviceid' => $serviceId]);

        $this->assertSame(['result' => 'error', 'message' => 'Aflexi said no'], $result);
        $this->assertSame('Pending', Capsule::table('tblhosting')->where('id', $serviceId)->value('domainstatus'));
        $this->assertSame('Aflexi said no', Whmcs::hookRuns('AfterModuleCreateFailed')[0]['vars']['failureResponseMessage']);
    }

    public function testModuleCreateGivesAServiceWithoutCredentialsAUsernameFromItsDomainAndAPassword(): void
    {
        $serviceId = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest']), 'domain' => 'my-shop42.example.com']);

        localAPI('ModuleCreate', ['serviceid' => $serviceId]);

        $params = FakeServerModule::$calls[0]['params'];
        $this->assertSame('myshopex', $params['username']);
        $this->assertMatchesRegularExpression('/^[A-Za-z0-9]{10}$/', $params['password']);
        $this->assertSame($params['password'], decrypt(Capsule::table('tblhosting')->where('id', $serviceId)->value('password')));
    }

    public function testModuleCreateUsernamesFromTheDomainGiveWayToACounterWhenTaken(): void
    {
        $product = Fixtures::product(['servertype' => 'harnesstest']);
        Fixtures::service(['username' => 'myshopex']);
        Fixtures::service(['username' => 'myshope1']);
        $serviceId = Fixtures::service(['packageid' => $product, 'domain' => 'my-shop42.example.com']);

        localAPI('ModuleCreate', ['serviceid' => $serviceId]);

        $this->assertSame('myshope2', FakeServerModule::$calls[0]['params']['username']);
        $this->assertSame('myshope2', Capsule::table('tblhosting')->where('id', $serviceId)->value('username'));
    }

    public function testModuleCreateUsernamesAre8RandomLettersWithRandomUsernamesOn(): void
    {
        Config::set('GenerateRandomUsername', 'on');
        $product = Fixtures::product(['servertype' => 'harnesstest']);
        $withDomain = Fixtures::service(['packageid' => $product, 'domain' => 'my-shop42.example.com']);
        $without = Fixtures::service(['packageid' => $product, 'domain' => '']);

        localAPI('ModuleCreate', ['serviceid' => $withDomain]);
        localAPI('ModuleCreate', ['serviceid' => $without]);

        $this->assertMatchesRegularExpression('/^[a-z]{8}$/', FakeServerModule::$calls[0]['params']['username']);
        $this->assertNotSame('myshopex', FakeServerModule::$calls[0]['params']['username']);
        $this->assertMatchesRegularExpression('/^[a-z]{8}$/', FakeServerModule::$calls[1]['params']['username']);
    }

    public function testModuleCreateWithoutADomainAndRandomUsernamesOffLeavesTheUsernameEmpty(): void
    {
        $serviceId = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest']), 'domain' => '']);

        localAPI('ModuleCreate', ['serviceid' => $serviceId]);

        $this->assertSame('', FakeServerModule::$calls[0]['params']['username']);
        $this->assertNotSame('', FakeServerModule::$calls[0]['params']['password'], 'the password is still generated');
    }

    public function testModuleCreateGeneratesNothingWhenTheModuleOptsOutInItsMetaData(): void
    {
        FakeServerModule::$metaData = ['AutoGenerateUsernameAndPassword' => false];
        $serviceId = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest']), 'domain' => 'my-shop42.example.com']);

        localAPI('ModuleCreate', ['serviceid' => $serviceId]);

        $this->assertSame(['', ''], [FakeServerModule::$calls[0]['params']['username'], FakeServerModule::$calls[0]['params']['password']]);
    }

    public function testAPreModuleCreateHookReturningAbortcmdStopsTheCreate(): void
    {
        $serviceId = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest'])]);
        add_hook('PreModuleCreate', 1, static fn (): array => ['abortcmd' => true]);

        $result = localAPI('ModuleCreate', ['serviceid' => $serviceId]);

        $this->assertSame('error', $result['result']);
        $this->assertSame([], FakeServerModule::$calls);
    }

    public function testModuleSuspendUnsuspendAndTerminateSetTheServiceStatus(): void
    {
        $serviceId = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest']), 'domainstatus' => 'Active']);
        $status = static fn (): array => (array) Capsule::table('tblhosting')->where('id', $serviceId)->first(['domainstatus', 'suspendreason']);

        localAPI('ModuleSuspend', ['serviceid' => $serviceId, 'suspendreason' => 'Overdue on Payment']);
        $this->assertSame(['domainstatus' => 'Suspended', 'suspendreason' => 'Overdue on Payment'], $status());
        localAPI('ModuleUnsuspend', ['serviceid' => $serviceId]);
        $this->assertSame(['domainstatus' => 'Active', 'suspendreason' => ''], $status());
        localAPI('ModuleTerminate', ['serviceid' => $serviceId]);
        $this->assertSame('Terminated', $status()['domainstatus']);

        $this->assertSame(['SuspendAccount', 'UnsuspendAccount', 'TerminateAccount'], array_column(FakeServerModule::$calls, 'function'));
        $this->assertSame('Overdue on Payment', FakeServerModule::$calls[0]['params']['suspendreason']);
    }

    public function testModuleChangePwPassesTheNewPasswordAndSavesItEncrypted(): void
    {
        $serviceId = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest']), 'password' => 'old-pw']);

        localAPI('ModuleChangePw', ['serviceid' => $serviceId, 'servicepassword' => 'new-pw']);

        $this->assertSame('new-pw', FakeServerModule::$calls[0]['params']['password']);
        $this->assertSame('new-pw', decrypt(Capsule::table('tblhosting')->where('id', $serviceId)->value('password')));
        $this->assertSame(['serviceid' => $serviceId, 'oldpassword' => 'old-pw', 'newpassword' => 'new-pw'], Whmcs::hookRuns('AfterModuleChangePassword')[0]['vars']);
    }

    public function testModuleCommandsReportMissingServicesAndModulesInWHMCSWords(): void
    {
        $noModule = Fixtures::service(['packageid' => Fixtures::product(['servertype' => ''])]);
        $noFunction = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest'])]);

        $this->assertSame('Service ID is required', localAPI('ModuleCreate', [])['message']);
        $this->assertSame('Service ID not found', localAPI('ModuleCreate', ['serviceid' => 42])['message']);
        $this->assertSame('Service not assigned to a module', localAPI('ModuleCreate', ['serviceid' => $noModule])['message']);
        $this->assertSame('Function Not Supported by Module', localAPI('ModuleChangePackage', ['serviceid' => $noFunction])['message']);
    }

    // ---- $params (developers.whmcs.com/provisioning-modules/module-parameters) ------------------

    public function testParamsForAServiceHoldDecryptedPasswordsAndPositionalConfigOptions(): void
    {
        $serverId = Fixtures::server(['hostname' => 'api.aflexi.test', 'username' => 'op', 'password' => 'srv-PW', 'accesshash' => 'HASH', 'port' => 8443]);
        $productId = Fixtures::product(['configoptions' => ['gold-package', '', 'on'], 'type' => 'other']);
        $clientId = Fixtures::client(['firstname' => 'Émile', 'lastname' => 'Zola', 'companyname' => 'Zola SA']);
        $serviceId = Fixtures::service(['packageid' => $productId, 'userid' => $clientId, 'server' => $serverId,
            'domain' => 'zola.example', 'username' => 'emile', 'password' => 'svc-PW', 'domainstatus' => 'Active']);
        Fixtures::configurableOption($serviceId, 'bandwidth|Bandwidth (TB)', 5, 'quantity');
        Fixtures::configurableOption($serviceId, 'region', 'eu|Europe');

        $p = Params::forService($serviceId);

        $this->assertSame([$serviceId, $clientId, $productId, $serverId], [$p['serviceid'], $p['userid'], $p['pid'], $p['serverid']]);
        $this->assertSame(['zola.example', 'emile', 'svc-PW', 'other', 'aflexi', 'Active'],
            [$p['domain'], $p['username'], $p['password'], $p['producttype'], $p['moduletype'], $p['status']]);
        $this->assertSame(['gold-package', '', 'on', ''], [$p['configoption1'], $p['configoption2'], $p['configoption3'], $p['configoption24']]);
        $this->assertSame(['bandwidth' => 5, 'region' => 'eu'], $p['configoptions']);
        $this->assertSame(['Émile', 'Zola', 'Émile Zola', 'Zola SA'], [
            $p['clientsdetails']['firstname'], $p['clientsdetails']['lastname'], $p['clientsdetails']['fullname'], $p['clientsdetails']['companyname'],
        ]);
        $this->assertSame([true, 'api.aflexi.test', 'op', 'srv-PW', 'HASH', true, 'https', '8443'], [
            $p['server'], $p['serverhostname'], $p['serverusername'], $p['serverpassword'], $p['serveraccesshash'],
            $p['serversecure'], $p['serverhttpprefix'], $p['serverport'],
        ]);
        $this->assertSame($serviceId, $p['model']->id);
    }

    public function testParamsModelWritesBackToTblhostingAndKeepsServiceProperties(): void
    {
        $serviceId = Fixtures::service();
        $model = Params::forService($serviceId)['model'];

        $model->username = 'written_back';
        $model->save();
        $model->serviceProperties->save(['Password' => 'prop-pw', 'Publisher ID' => '77']);

        $this->assertSame('written_back', Params::forService($serviceId)['username']);
        $this->assertSame('prop-pw', Params::forService($serviceId)['password']);
        $this->assertSame('77', Params::forService($serviceId)['customfields']['Publisher ID']);
    }

    public function testParamsForAServerHoldOnlyItsFields(): void
    {
        $serverId = Fixtures::server(['secure' => '', 'password' => 'srv-PW']);

        $p = Params::forServer($serverId);

        $this->assertSame(['serverid', 'serverip', 'serverhostname', 'serverusername', 'serverpassword', 'serveraccesshash',
            'serversecure', 'serverhttpprefix', 'serverport'], array_keys($p));
        $this->assertSame([false, 'http', 'srv-PW'], [$p['serversecure'], $p['serverhttpprefix'], $p['serverpassword']]);
    }

    // ---- database -------------------------------------------------------------------------------

    public function testResetEmptiesTheTablesDropsModuleTablesAndRestoresTheBaseline(): void
    {
        Fixtures::service();
        Capsule::schema()->create('mod_harness_scratch', static function ($t): void {
            $t->increments('id');
        });

        Whmcs::reset();

        $this->assertSame(0, Capsule::table('tblhosting')->count() + Capsule::table('tblclients')->count());
        $this->assertFalse(Capsule::schema()->hasTable('mod_harness_scratch'));
        $this->assertSame('admin', Capsule::table('tbladmins')->where('id', 1)->value('username'));
        $this->assertSame('on', Capsule::table('tblconfiguration')->where('setting', 'ModuleDebugMode')->value('value'));
    }

    public function testIdsOfClientsServicesAndInvoicesNeverCoincide(): void
    {
        $serviceId = Fixtures::service();
        $clientId = (int) Capsule::table('tblhosting')->where('id', $serviceId)->value('userid');
        $invoiceId = Fixtures::invoiceForService($serviceId);

        $this->assertCount(3, array_unique([$serviceId, $clientId, $invoiceId]));
    }

    public function testAServiceStatusWHMCSDoesNotKnowFailsStrictAndIsEmptiedOtherwise(): void
    {
        if (\WhmcsHarness\Database::driver() !== 'mysql') {
            $this->markTestSkipped('ENUM columns and sql_mode are MariaDB behaviour');
        }
        $serviceId = Fixtures::service();

        if (\WhmcsHarness\Database::sqlMode() === 'strict') {
            $this->expectException(\Illuminate\Database\QueryException::class);
        }
        Capsule::table('tblhosting')->where('id', $serviceId)->update(['domainstatus' => 'Sleeping']);
        $this->assertSame('', Capsule::table('tblhosting')->where('id', $serviceId)->value('domainstatus'));
    }

    // ---- addon modules (developers.whmcs.com/addon-modules) -------------------------------------

    public function testActivatingAnAddonStoresVersionAccessAndFieldDefaults(): void
    {
        $result = Addon::activate('harnessaddon', ['apiKey' => 'K-addon-secret']);

        $settings = Capsule::table('tbladdonmodules')->where('module', 'harnessaddon')->pluck('value', 'setting')->all();
        $this->assertSame('success', $result['status']);
        $this->assertSame(['1.2.0', '1', 'https://api.aflexi.test'], [$settings['version'], $settings['access'], $settings['apiUrl']]);
        $this->assertNotSame('K-addon-secret', $settings['apiKey']);
        $this->assertTrue(Capsule::schema()->hasTable('mod_harnessaddon'));
    }

    public function testAddonVarsHoldTheSettingsModulelinkVersionAndLanguageStrings(): void
    {
        Addon::activate('harnessaddon', ['apiKey' => 'K-addon-secret']);

        $vars = Addon::vars('harnessaddon');

        $this->assertSame('K-addon-secret', $vars['apiKey']);
        $this->assertSame('addonmodules.php?module=harnessaddon', $vars['modulelink']);
        $this->assertSame('1.2.0', $vars['version']);
        $this->assertSame('Hello from the language file', $vars['_lang']['hello']);
        $this->assertSame('index.php?m=harnessaddon', Addon::vars('harnessaddon', 'client')['modulelink']);
    }

    public function testAnAddonFormPostWithTheSessionTokenPassesAndSeesHtmlEncodedInput(): void
    {
        Addon::activate('harnessaddon');

        $html = AddonPage::post('harnessaddon', ['name' => '<b>Tom & "Jerry"</b>'], ['action' => 'save']);

        $this->assertSame('saved:&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;', $html);
    }

    public function testAnAddonFormPostWithoutTheTokenIsRejected(): void
    {
        Addon::activate('harnessaddon');

        $this->expectException(TokenRejected::class);
        AddonPage::post('harnessaddon', ['name' => 'x'], ['action' => 'save'], false);
    }

    public function testAnAdminWhoseRoleLacksAccessCannotOpenTheAddon(): void
    {
        Addon::activate('harnessaddon', [], '1');
        $supportAdmin = Fixtures::admin(['roleid' => 3]);

        $this->expectException(\RuntimeException::class);
        AddonPage::get('harnessaddon', [], $supportAdmin);
    }

    public function testModuleLibClassesAutoloadLikeWHMCS(): void
    {
        $this->assertSame('greetings', (new \WHMCS\Module\Addon\Harnessaddon\Greeter())->greet());
    }

    // ---- admin actions and cron (developers.whmcs.com/hooks-reference, tests/whmcs/README.md#not-firing) ---

    public function testEditingAClientRunsClientEditWithTheNewValuesAndOlddata(): void
    {
        $clientId = Fixtures::client(['email' => 'old@example.com']);

        Actions::editClient($clientId, ['email' => 'new@example.com']);

        $vars = Whmcs::hookRuns('ClientEdit')[0]['vars'];
        $this->assertSame([$clientId, 'new@example.com', 'old@example.com'], [$vars['userid'], $vars['email'], $vars['olddata']['email']]);
    }

    public function testAClientAreaProfileSaveRunsClientEditWithOlddataOnlyAndTheRowAlreadySaved(): void
    {
        $clientId = Fixtures::client(['email' => 'old@example.com', 'city' => 'Here']);
        $seen = null;
        add_hook('ClientEdit', 1, static function () use ($clientId, &$seen): void {
            $seen = Capsule::table('tblclients')->where('id', $clientId)->value('email');
        });

        Actions::editClientInClientArea($clientId, ['email' => 'new@example.com']);

        $vars = Whmcs::hookRuns('ClientEdit')[0]['vars'];
        $this->assertSame(['userid', 'isOptedInToMarketingEmails', 'olddata'], array_keys($vars));
        $this->assertSame(['old@example.com', 'Here'], [$vars['olddata']['email'], $vars['olddata']['city']], 'olddata is the whole previous row');
        $this->assertSame('new@example.com', $seen, 'the new values are in tblclients when the hook runs');
    }

    public function testClosingAClientSetsStatusesWithoutModuleCallsAndRunsClientClose(): void
    {
        $productId = Fixtures::product(['servertype' => 'harnesstest']);
        $clientId = Fixtures::client();
        $active = Fixtures::service(['userid' => $clientId, 'packageid' => $productId, 'domainstatus' => 'Active']);
        $pending = Fixtures::service(['userid' => $clientId, 'packageid' => $productId]);

        Actions::closeClient($clientId);

        $statuses = Capsule::table('tblhosting')->whereIn('id', [$active, $pending])->orderBy('id')->pluck('domainstatus')->all();
        $this->assertSame(['Terminated', 'Cancelled'], $statuses);
        $this->assertSame([], FakeServerModule::$calls);
        $this->assertSame([['userid' => $clientId]], array_column(Whmcs::hookRuns('ClientClose'), 'vars'));
    }

    public function testChangingAServiceStatusInTheAdminAreaRunsServiceEditAndNoModuleFunction(): void
    {
        $serviceId = Fixtures::service(['packageid' => Fixtures::product(['servertype' => 'harnesstest']), 'domainstatus' => 'Active']);

        Actions::setServiceStatus($serviceId, 'Suspended');

        $this->assertSame([], FakeServerModule::$calls);
        $this->assertSame($serviceId, Whmcs::hookRuns('ServiceEdit')[0]['vars']['serviceid']);
    }

    public function testTheDailyCronRunsUsageUpdateOncePerServerWithServerParams(): void
    {
        $first = Fixtures::server(['type' => 'harnesstest']);
        $second = Fixtures::server(['type' => 'harnesstest', 'hostname' => 'b.test']);
        Fixtures::server(['type' => 'harnesstest', 'disabled' => 1]);

        Actions::runDailyCron();

        $calls = FakeServerModule::$calls;
        $this->assertSame([$first, $second], array_map(static fn (array $c): int => $c['params']['serverid'], $calls));
        $this->assertArrayNotHasKey('serviceid', $calls[0]['params']);
        $this->assertSame(['DailyCronJob', 'AfterCronJob'], array_column(Whmcs::hookRuns(), 'point'));
    }

    public function testAUsageUpdateThatAnswersAnErrorTextIsWrittenToTheActivityLog(): void
    {
        $server = Fixtures::server(['type' => 'harnesstest']);
        foreach ([null, 'success'] as $fine) {
            FakeServerModule::$usageResult = $fine;
            Actions::runDailyCron();
        }
        $this->assertSame([], Whmcs::activityLog());

        FakeServerModule::$usageResult = 'Aflexi could not be reached';
        Actions::runDailyCron();

        $this->assertSame(["Server Usage Update Failed: Aflexi could not be reached - Server ID: $server"], Whmcs::activityLog());
    }

    public function testTheAdminHomeRendersEachWidgetAnAdminHomeWidgetsHookReturnsByWeightWithItsDataCached(): void
    {
        HarnessWidget::$value = 'first';
        Hooks::add('AdminHomeWidgets', 1, static fn (): HarnessWidget => new HarnessWidget());
        Hooks::add('AdminHomeWidgets', 2, static fn (): string => 'not a widget');
        Hooks::add('AdminHomeWidgets', 3, static fn (): LightWidget => new LightWidget());

        $this->assertSame(['LightWidget' => '<p>light</p>', 'HarnessWidget' => '<p>first</p>'], AdminHome::widgets());

        HarnessWidget::$value = 'second';
        $this->assertSame('<p>first</p>', AdminHome::widgets()['HarnessWidget'], 'getData() is cached for $cacheExpiry');
        $this->assertSame('<p>second</p>', (new HarnessWidget())->render(true), 'a forced refresh reads again');
    }

    public function testAWidgetThatNamesAPermissionIsNotGuessedAbout(): void
    {
        Hooks::add('AdminHomeWidgets', 1, static fn (): PermissionWidget => new PermissionWidget());
        $this->expectExceptionMessage('requires the permission "Main Homepage"');
        AdminHome::widgets();
    }
}

/** A dashboard widget with cached data (HarnessTest). */
final class HarnessWidget extends \WHMCS\Module\AbstractWidget
{
    public static string $value = '';
    protected $weight = 200;
    protected $cache = true;
    protected $cacheExpiry = 120;

    public function getData()
    {
        return ['value' => self::$value];
    }

    public function generateOutput($data)
    {
        return '<p>' . $data['value'] . '</p>';
    }
}

/** A lighter widget: shown first. */
final class LightWidget extends \WHMCS\Module\AbstractWidget
{
    protected $weight = 10;

    public function generateOutput($data)
    {
        return '<p>light</p>';
    }
}

/** A widget that requires a named permission. */
final class PermissionWidget extends \WHMCS\Module\AbstractWidget
{
    protected $requiredPermission = 'Main Homepage';
}

/**
 * The fake server module `harnesstest`: records each call with its params and returns
 * 'success' (or what $onCreate decides for CreateAccount).
 */
final class FakeServerModule
{
    /** @var list<array{function: string, params: array<string, mixed>}> */
    public static array $calls = [];
    /** @var (callable(array<string, mixed>): string)|null */
    public static $onCreate = null;
    /** @var array<string, mixed> */
    public static array $metaData = [];
    /** What UsageUpdate answers (null: nothing, as the developer docs' example). */
    public static ?string $usageResult = null;

    public static function reset(): void
    {
        self::$calls = [];
        self::$onCreate = null;
        self::$metaData = [];
        self::$usageResult = null;
    }

    public static function call(string $function, array $params): string
    {
        self::$calls[] = ['function' => $function, 'params' => $params];
        if ($function === 'CreateAccount' && self::$onCreate !== null) {
            return (self::$onCreate)($params);
        }
        return 'success';
    }
}

function harnesstest_MetaData(): array
{
    return FakeServerModule::$metaData;
}

function harnesstest_CreateAccount(array $params): string
{
    return FakeServerModule::call('CreateAccount', $params);
}

function harnesstest_SuspendAccount(array $params): string
{
    return FakeServerModule::call('SuspendAccount', $params);
}

function harnesstest_UnsuspendAccount(array $params): string
{
    return FakeServerModule::call('UnsuspendAccount', $params);
}

function harnesstest_TerminateAccount(array $params): string
{
    return FakeServerModule::call('TerminateAccount', $params);
}

function harnesstest_ChangePassword(array $params): string
{
    return FakeServerModule::call('ChangePassword', $params);
}

function harnesstest_UsageUpdate(array $params): ?string
{
    FakeServerModule::call('UsageUpdate', $params);
    return FakeServerModule::$usageResult;
}

/**
 * The fake addon `harnessaddon`, written into ROOTDIR/modules/addons/harnessaddon/: a config
 * with a text, a password and a yes/no field, an activate that creates mod_harnessaddon, an
 * output page that checks the CSRF token on POST, a ClientClose hook, a language file and a
 * lib/ class.
 */
final class FakeAddon
{
    public static function install(): void
    {
        $dir = ROOTDIR . '/modules/addons/harnessaddon';
        if (is_dir($dir)) {
            return;
        }
        mkdir("$dir/lang", 0777, true);
        mkdir("$dir/lib", 0777, true);
        file_put_contents("$dir/harnessaddon.php", <<<'PHP'
            <?php
            if (!defined('WHMCS')) { die('no direct access'); }
            function harnessaddon_config() {
                return ['name' => 'Harness Addon', 'version' => '1.2.0', 'language' => 'english', 'fields' => [
                    'apiUrl' => ['FriendlyName' => 'API URL', 'Type' => 'text', 'Default' => 'https://api.aflexi.test'],
                    'apiKey' => ['FriendlyName' => 'API key', 'Type' => 'password'],
                    'enabled' => ['FriendlyName' => 'Enabled', 'Type' => 'yesno'],
                ]];
            }
            function harnessaddon_activate() {
                \WHMCS\Database\Capsule::schema()->create('mod_harnessaddon', function ($t) { $t->increments('id'); });
                return ['status' => 'success', 'description' => 'activated'];
            }
            function harnessaddon_output($vars) {
                if (($_GET['action'] ?? '') === 'save') {
                    check_token('WHMCS.admin.default');
                    echo 'saved:' . $_POST['name'];
                    return;
                }
                echo $vars['_lang']['hello'];
            }
            PHP);
        file_put_contents("$dir/hooks.php", <<<'PHP'
            <?php
            add_hook('ClientClose', 1, function ($vars) { return 'harnessaddon saw client ' . $vars['userid']; });
            PHP);
        file_put_contents("$dir/lang/english.php", "<?php\n\$_ADDONLANG['hello'] = 'Hello from the language file';\n");
        file_put_contents("$dir/lib/Greeter.php", <<<'PHP'
            <?php
            namespace WHMCS\Module\Addon\Harnessaddon;
            class Greeter { public function greet(): string { return 'greetings'; } }
            PHP);
    }
}
