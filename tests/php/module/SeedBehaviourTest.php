<?php
/**
 * Every behaviour of the product document "WHMCS Module" (shared/seeds/000), one test each,
 * named in the document's words. Each asserts what can be observed: the account on Aflexi
 * (sandbox state), WHMCS's rows, the e-mail sent, the returned result.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\PublisherRecords;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;
use WhmcsHarness\Actions;
use WhmcsHarness\Crypto;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Whmcs;

final class SeedBehaviourTest extends ModuleTestCase
{
    // ------------------------------------------------------------ Creating Aflexi Product

    /** @testdox CDN account will be created upon first payment received */
    #[\PHPUnit\Framework\Attributes\TestDox('CDN account will be created upon first payment received')]
    public function testCdnAccountIsCreatedUponFirstPaymentReceived(): void
    {
        $product = $this->product('CDN Gold', 'gold', ['autosetup' => 'payment']);
        $service = $this->service($product, $this->client(['email' => 'payer@example.com']));
        $invoice = Fixtures::invoiceForService($service, 10.00);
        self::assertNull($this->publisher("payer_example.com_$service"), 'nothing before the payment');

        $paid = localAPI('AddInvoicePayment', ['invoiceid' => $invoice, 'transid' => 'T-1', 'gateway' => 'mailin', 'amount' => 10.00]);

        self::assertSame('success', $paid['result']);
        self::assertSame('Active', $this->hosting($service)->domainstatus);
        self::assertSame('ACTIVE', $this->linkOf("payer_example.com_$service")['status']);
    }

    /** @testdox CDN account will be created after a pending order is activated (ModuleCreate) */
    #[\PHPUnit\Framework\Attributes\TestDox('CDN account will be created after a pending order is activated (ModuleCreate)')]
    public function testCdnAccountIsCreatedWhenAPendingOrderIsAccepted(): void
    {
        $service = $this->service($this->product('CDN Gold', 'gold', ['autosetup' => 'on']), $this->client(['email' => 'pending@example.com']));

        $result = localAPI('ModuleCreate', ['serviceid' => $service]);

        self::assertSame('success', $result['result'], $result['message'] ?? '');
        self::assertSame('ACTIVE', $this->linkOf("pending_example.com_$service")['status']);
    }

    // ------------------------------------------------------------ Putting Email Template

    /** @testdox An Aflexi email template is created along with the installation of plugin */
    #[\PHPUnit\Framework\Attributes\TestDox('An Aflexi email template is created along with the installation of plugin')]
    public function testAnAflexiEmailTemplateIsCreatedAlongWithTheInstallation(): void
    {
        self::assertSame(0, Capsule::table('tblemailtemplates')->where('name', WelcomeTemplate::NAME)->count());

        aflexi_ConfigOptions();
        aflexi_ConfigOptions();

        $templates = Capsule::table('tblemailtemplates')->where('name', WelcomeTemplate::NAME)->get();
        self::assertCount(1, $templates, 'installed once, however often the module is used');
        self::assertSame('product', $templates[0]->type);
        foreach (['{$service_username}', '{$service_password}', '{$aflexi_portal_url}'] as $field) {
            self::assertStringContainsString($field, $templates[0]->message);
        }
        self::assertStringNotContainsString('{php}', $templates[0]->message);
    }

    /** @testdox You may modify the Aflexi email template (the module never overwrites it) */
    #[\PHPUnit\Framework\Attributes\TestDox('You may modify the Aflexi email template (the module never overwrites it)')]
    public function testYouMayModifyTheAflexiEmailTemplate(): void
    {
        aflexi_ConfigOptions();
        Capsule::table('tblemailtemplates')->where('name', WelcomeTemplate::NAME)
            ->update(['subject' => 'Edited by the admin', 'message' => '<p>Hi {$client_name}: {$service_username} / {$service_password}</p>']);
        WelcomeTemplate::forget();

        aflexi_ConfigOptions();
        $service = $this->service($this->product(), $this->client(['firstname' => 'Eve', 'email' => 'eve@example.com']));
        $this->assertActionSucceeds('Create', $service);

        $template = Capsule::table('tblemailtemplates')->where('name', WelcomeTemplate::NAME)->first();
        self::assertSame('Edited by the admin', $template->subject);
        self::assertSame(1, Capsule::table('tblemailtemplates')->where('name', WelcomeTemplate::NAME)->count());
        self::assertSame('Edited by the admin', Whmcs::emails(WelcomeTemplate::NAME)[0]['subject']);
    }

    /** @testdox Select "Aflexi CDN Welcome Mail" on the product (set for an Aflexi product that has none) */
    #[\PHPUnit\Framework\Attributes\TestDox('Select "Aflexi CDN Welcome Mail" on the product (set for an Aflexi product that has none)')]
    public function testAnAflexiProductWithoutWelcomeEmailGetsTheAflexiCdnWelcomeMail(): void
    {
        $aflexiProduct = $this->product();
        $otherProduct = Fixtures::product(['name' => 'Web Hosting', 'servertype' => 'cpanel']);

        aflexi_ConfigOptions();

        $templateId = (int) Capsule::table('tblemailtemplates')->where('name', WelcomeTemplate::NAME)->value('id');
        self::assertSame($templateId, (int) Capsule::table('tblproducts')->where('id', $aflexiProduct)->value('welcomeemail'));
        self::assertSame(0, (int) Capsule::table('tblproducts')->where('id', $otherProduct)->value('welcomeemail'));
    }

    /** @testdox The admin's choice of welcome e-mail for a product is kept */
    #[\PHPUnit\Framework\Attributes\TestDox('The admin\'s choice of welcome e-mail for a product is kept')]
    public function testTheAdminsChoiceOfWelcomeEmailIsKept(): void
    {
        $own = Fixtures::emailTemplate(['name' => 'Our Own CDN Welcome']);
        $product = $this->product('CDN Gold', 'gold', ['welcomeemail' => $own]);

        aflexi_ConfigOptions();
        $this->assertActionSucceeds('Create', $this->service($product, $this->client()));

        self::assertSame($own, (int) Capsule::table('tblproducts')->where('id', $product)->value('welcomeemail'));
    }

    /** @testdox Welcome email shows username and password (and the portal login URL) */
    #[\PHPUnit\Framework\Attributes\TestDox('Welcome email shows username and password (and the portal login URL)')]
    public function testWelcomeEmailShowsUsernameAndPassword(): void
    {
        $this->sandbox->theme('https://cdn.reseller.example', 'reseller', $this->operatorLogin);
        $service = $this->service($this->product(), $this->client(['email' => 'wendy@example.com']), ['password' => 'Welcome-Pass-77']);

        $this->assertActionSucceeds('Create', $service);

        $emails = Whmcs::emails(WelcomeTemplate::NAME);
        self::assertCount(1, $emails);
        self::assertSame('wendy@example.com', $emails[0]['to']);
        self::assertStringContainsString("wendy_example.com_$service", $emails[0]['message']);
        self::assertStringContainsString('Welcome-Pass-77', $emails[0]['message']);
        self::assertStringContainsString('https://cdn.reseller.example', $emails[0]['message']);
        self::assertTrue($this->passwordWorks("wendy_example.com_$service", 'Welcome-Pass-77'), 'the e-mailed password logs in');
    }

    /** @testdox A password WHMCS left empty is generated, stored encrypted, and e-mailed */
    #[\PHPUnit\Framework\Attributes\TestDox('A password WHMCS left empty is generated, stored encrypted, and e-mailed')]
    public function testAnEmptyServicePasswordIsGeneratedAndWrittenBack(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'gen@example.com']), ['password' => '']);

        $result = $this->callModule('CreateAccount', $service);

        self::assertSame('success', $result);
        $stored = (string) $this->hosting($service)->password;
        $plain = Crypto::decrypt($stored);
        self::assertMatchesRegularExpression('/^[A-Za-z0-9]{16}$/', $plain);
        self::assertNotSame($plain, $stored, 'stored encrypted');
        self::assertSame("gen_example.com_$service", $this->hosting($service)->username);
        self::assertTrue($this->passwordWorks("gen_example.com_$service", $plain));
    }

    // ------------------------------------------------------------ Placing orders

    /** @testdox Kindly do remember that email address is required in WHMCS client's account */
    #[\PHPUnit\Framework\Attributes\TestDox('Kindly do remember that email address is required in WHMCS client\'s account')]
    public function testEmailAddressIsRequiredInTheClientsAccount(): void
    {
        $client = $this->client(['email' => '']);
        $service = $this->service($this->product(), $client);
        $callsBefore = $this->sandbox->totalCalls();

        $message = $this->actionError('Create', $service);

        self::assertStringContainsString('no e-mail address', $message);
        self::assertStringContainsString("client #$client", $message);
        self::assertSame('Pending', $this->hosting($service)->domainstatus);
        self::assertSame([], $this->sandbox->linksOf($this->operatorId), 'nothing created on Aflexi');
        self::assertSame($callsBefore, $this->sandbox->totalCalls(), 'Aflexi was not even asked');
    }

    /** @testdox Operator may see the created account with respective package in Aflexi portal */
    #[\PHPUnit\Framework\Attributes\TestDox('Operator may see the created account with respective package in Aflexi portal')]
    public function testOperatorSeesTheCreatedAccountWithItsPackageOnAflexi(): void
    {
        $service = $this->service($this->product('CDN Platinum', 'platinum-100'), $this->client(['firstname' => 'Olga', 'lastname' => 'Ops', 'email' => 'olga@example.com']));

        $this->assertActionSucceeds('Create', $service);

        $user = $this->publisher("olga_example.com_$service");
        self::assertSame('olga@example.com', $user['email']);
        self::assertSame('Olga Ops', $user['name']);
        self::assertSame($this->operatorId, (int) $user['agent']);
        self::assertSame('platinum-100', $this->packageOf($this->linkOf("olga_example.com_$service")));
    }

    /** @testdox Package name: the product's module setting, else the product name */
    #[\PHPUnit\Framework\Attributes\TestDox('Package name: the product\'s module setting, else the product name')]
    public function testWithoutAPackageSettingThePackageIsTheProductName(): void
    {
        $service = $this->service($this->product('CDN  Basic   Plan', ''), $this->client(['email' => 'basic@example.com']));

        $this->assertActionSucceeds('Create', $service);

        self::assertSame('CDN Basic Plan', $this->packageOf($this->linkOf("basic_example.com_$service")));
    }

    // ------------------------------------------------------------ Automated Synchronization

    /** @testdox Order with a domain gets the username WHMCS generated from it */
    #[\PHPUnit\Framework\Attributes\TestDox('Order with a domain gets the username WHMCS generated from it')]
    public function testOrderWithADomainGetsTheUsernameWhmcsGeneratedFromIt(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'dom@example.com']), ['domain' => 'www.my-shop.example']);

        $this->assertActionSucceeds('Create', $service);

        // WHMCS makes "wwwmyshop" -> first 8 letters "wwwmysho"; the module appends _<serviceid>.
        self::assertSame("wwwmysho_$service", $this->hosting($service)->username);
        self::assertNotNull($this->linkOf("wwwmysho_$service"));
    }

    /** @testdox Order without a domain gets user_domain.com_<id> username */
    #[\PHPUnit\Framework\Attributes\TestDox('Order without a domain gets user_domain.com_<id> username')]
    public function testOrderWithoutADomainGetsUserDomainComIdUsername(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'John.Smith@Example.COM']));

        $this->assertActionSucceeds('Create', $service);

        self::assertSame("john.smith_example.com_$service", $this->hosting($service)->username);
        self::assertNotNull($this->linkOf("john.smith_example.com_$service"));
    }

    /** @testdox Multiple orders of one client get separate usernames */
    #[\PHPUnit\Framework\Attributes\TestDox('Multiple orders of one client get separate usernames')]
    public function testMultipleOrdersOfOneClientGetSeparateUsernames(): void
    {
        $client = $this->client(['email' => 'multi@example.com']);
        $first = $this->service($this->product('CDN Gold', 'gold'), $client);
        $second = $this->service($this->product('CDN Silver', 'silver'), $client);

        $this->assertActionSucceeds('Create', $first);
        $this->assertActionSucceeds('Create', $second);

        self::assertSame("multi_example.com_$first", $this->hosting($first)->username);
        self::assertSame("multi_example.com_$second", $this->hosting($second)->username);
        self::assertSame('gold', $this->packageOf($this->linkOf("multi_example.com_$first")));
        self::assertSame('silver', $this->packageOf($this->linkOf("multi_example.com_$second")));
        self::assertNotSame($this->record($first)->publisher_id, $this->record($second)->publisher_id);
    }

    // ------------------------------------------------------------ Manual Synchronization

    /** @testdox Create - Creating of Aflexi CDN account */
    #[\PHPUnit\Framework\Attributes\TestDox('Create - Creating of Aflexi CDN account')]
    public function testCreateCreatesTheAflexiCdnAccount(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'new@example.com']));

        $this->assertActionSucceeds('Create', $service);

        $record = $this->record($service);
        self::assertSame((int) $this->publisher("new_example.com_$service")['id'], (int) $record->publisher_id);
        self::assertSame(PublisherRecords::ACTIVE, $record->status);
        self::assertNotNull($record->last_sync);
        self::assertNull($record->last_error);
    }

    /** @testdox Create - Recreating of Aflexi CDN account (create twice keeps one account) */
    #[\PHPUnit\Framework\Attributes\TestDox('Create - Recreating of Aflexi CDN account (create twice keeps one account)')]
    public function testCreateTwiceKeepsOneAccount(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'twice@example.com']));
        $this->assertActionSucceeds('Create', $service);
        $first = (int) $this->record($service)->publisher_id;

        $this->assertActionSucceeds('Create', $service);

        self::assertSame("twice_example.com_$service", $this->hosting($service)->username, 'the suffix is not appended twice');
        self::assertCount(1, $this->sandbox->linksOf($this->operatorId));
        self::assertSame($first, (int) $this->record($service)->publisher_id);
        self::assertSame('ACTIVE', $this->linkOf("twice_example.com_$service")['status']);
    }

    /** @testdox Create - Recreating of Aflexi CDN account after Terminate */
    #[\PHPUnit\Framework\Attributes\TestDox('Create - Recreating of Aflexi CDN account after Terminate')]
    public function testCreateAfterTerminateRecreatesTheAccount(): void
    {
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'again@example.com']), ['password' => 'First-Pass-1']);
        $this->assertActionSucceeds('Create', $service);
        $this->assertActionSucceeds('Terminate', $service);
        self::assertSame('DELETED', $this->linkOf("again_example.com_$service")['status']);
        Capsule::table('tblhosting')->where('id', $service)->update(['password' => Crypto::encrypt('Second-Pass-2'), 'domainstatus' => 'Pending']);

        $this->assertActionSucceeds('Create', $service);

        self::assertSame('ACTIVE', $this->linkOf("again_example.com_$service")['status']);
        self::assertCount(1, $this->sandbox->linksOf($this->operatorId));
        self::assertSame(PublisherRecords::ACTIVE, $this->record($service)->status);
        self::assertTrue($this->passwordWorks("again_example.com_$service", 'Second-Pass-2'));
        self::assertFalse($this->passwordWorks("again_example.com_$service", 'First-Pass-1'));
    }

    /** @testdox Suspend - Suspend an Aflexi user account */
    #[\PHPUnit\Framework\Attributes\TestDox('Suspend - Suspend an Aflexi user account')]
    public function testSuspendSuspendsTheAflexiUserAccount(): void
    {
        $service = $this->created('susp@example.com');

        $this->assertActionSucceeds('Suspend', $service, ['suspendreason' => 'Overdue']);

        self::assertSame('SUSPENDED', $this->linkOf("susp_example.com_$service")['status']);
        self::assertSame('Suspended', $this->hosting($service)->domainstatus);
        self::assertSame(PublisherRecords::SUSPENDED, $this->record($service)->status);
    }

    /** @testdox Unsuspend - Activate an Aflexi user account from suspension */
    #[\PHPUnit\Framework\Attributes\TestDox('Unsuspend - Activate an Aflexi user account from suspension')]
    public function testUnsuspendActivatesTheAflexiUserAccount(): void
    {
        $service = $this->created('unsusp@example.com');
        $this->assertActionSucceeds('Suspend', $service);

        $this->assertActionSucceeds('Unsuspend', $service);

        self::assertSame('ACTIVE', $this->linkOf("unsusp_example.com_$service")['status']);
        self::assertSame('Active', $this->hosting($service)->domainstatus);
        self::assertSame(PublisherRecords::ACTIVE, $this->record($service)->status);
    }

    /** @testdox Terminate - Terminate/Delete Aflexi user account */
    #[\PHPUnit\Framework\Attributes\TestDox('Terminate - Terminate/Delete Aflexi user account')]
    public function testTerminateDeletesTheAflexiUserAccount(): void
    {
        $service = $this->created('term@example.com');

        $this->assertActionSucceeds('Terminate', $service);

        self::assertSame('DELETED', $this->linkOf("term_example.com_$service")['status']);
        self::assertSame('Terminated', $this->hosting($service)->domainstatus);
        self::assertSame(PublisherRecords::DELETED, $this->record($service)->status);
    }

    /** @testdox Change Package upgrades the Aflexi package */
    #[\PHPUnit\Framework\Attributes\TestDox('Change Package upgrades the Aflexi package')]
    public function testChangePackageUpgradesTheAflexiPackage(): void
    {
        $silver = $this->product('CDN Silver', 'silver');
        $gold = $this->product('CDN Gold', 'gold');
        $service = $this->service($silver, $this->client(['email' => 'up@example.com']));
        $this->assertActionSucceeds('Create', $service);

        Capsule::table('tblhosting')->where('id', $service)->update(['packageid' => $gold]);
        $this->assertActionSucceeds('ChangePackage', $service);

        self::assertSame('gold', $this->packageOf($this->linkOf("up_example.com_$service")));
        self::assertSame('gold', $this->record($service)->package);
        self::assertSame('ACTIVE', $this->linkOf("up_example.com_$service")['status']);
    }

    /** @testdox Change Package downgrades the Aflexi package (creating it on Aflexi when missing) */
    #[\PHPUnit\Framework\Attributes\TestDox('Change Package downgrades the Aflexi package (creating it on Aflexi when missing)')]
    public function testChangePackageDowngradesTheAflexiPackage(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $bronze = $this->product('CDN Bronze', 'bronze-new');
        $service = $this->service($gold, $this->client(['email' => 'down@example.com']));
        $this->assertActionSucceeds('Create', $service);
        $this->assertActionSucceeds('Suspend', $service);

        Capsule::table('tblhosting')->where('id', $service)->update(['packageid' => $bronze]);
        $this->assertActionSucceeds('ChangePackage', $service);

        $link = $this->linkOf("down_example.com_$service");
        self::assertSame('bronze-new', $this->packageOf($link));
        self::assertSame('SUSPENDED', $link['status'], 'a package change does not unsuspend');
    }

    /** @testdox Change Password - Update the password of Aflexi user account */
    #[\PHPUnit\Framework\Attributes\TestDox('Change Password - Update the password of Aflexi user account')]
    public function testChangePasswordUpdatesThePasswordOfTheAflexiUserAccount(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'pw@example.com']), ['password' => 'Old-Pass-123']);
        $this->assertActionSucceeds('Create', $service);

        $this->assertActionSucceeds('ChangePassword', $service, ['password' => 'New-Pass-456']);

        self::assertTrue($this->passwordWorks("pw_example.com_$service", 'New-Pass-456'));
        self::assertFalse($this->passwordWorks("pw_example.com_$service", 'Old-Pass-123'));
        self::assertSame('New-Pass-456', Crypto::decrypt($this->hosting($service)->password));
    }

    // ------------------------------------------------------------ Deleting/Suspending CDN account

    /** @testdox Close client suspends the Aflexi account */
    #[\PHPUnit\Framework\Attributes\TestDox('Close client suspends the Aflexi account')]
    public function testCloseClientSuspendsTheAflexiAccount(): void
    {
        $client = $this->client(['email' => 'closing@example.com']);
        $product = $this->product();
        $first = $this->service($product, $client);
        $second = $this->service($product, $client);
        $this->assertActionSucceeds('Create', $first);
        $this->assertActionSucceeds('Create', $second);
        $bystander = $this->created('stays@example.com');

        Actions::closeClient($client);

        self::assertSame('SUSPENDED', $this->linkOf("closing_example.com_$first")['status']);
        self::assertSame('SUSPENDED', $this->linkOf("closing_example.com_$second")['status']);
        self::assertSame('ACTIVE', $this->linkOf("stays_example.com_$bystander")['status'], "another client's account is untouched");
        self::assertSame(PublisherRecords::SUSPENDED, $this->record($first)->status);
        self::assertStringContainsString('suspended', implode("\n", Whmcs::activityLog()));
    }

    /** @testdox Delete client deletes the Aflexi account */
    #[\PHPUnit\Framework\Attributes\TestDox('Delete client deletes the Aflexi account')]
    public function testDeleteClientDeletesTheAflexiAccount(): void
    {
        $client = $this->client(['email' => 'leaving@example.com']);
        $first = $this->service($this->product('CDN Gold', 'gold'), $client);
        $second = $this->service($this->product('CDN Silver', 'silver'), $client);
        $this->assertActionSucceeds('Create', $first);
        $this->assertActionSucceeds('Create', $second);
        $this->assertActionSucceeds('Suspend', $second);

        Actions::deleteClient($client);

        self::assertSame('DELETED', $this->linkOf("leaving_example.com_$first")['status']);
        self::assertSame('DELETED', $this->linkOf("leaving_example.com_$second")['status']);
        self::assertSame(PublisherRecords::DELETED, $this->record($first)->status);
        self::assertSame(0, Capsule::table('tblhosting')->where('userid', $client)->count());
        $terminated = preg_grep('/was terminated/', Whmcs::activityLog());
        self::assertCount(2, $terminated, 'one line per account: ClientDelete skips what PreDeleteClient terminated');
    }

    /** @testdox Closing then deleting a client, each twice, is harmless */
    #[\PHPUnit\Framework\Attributes\TestDox('Closing then deleting a client, each twice, is harmless')]
    public function testClosingAndDeletingAClientTwiceIsHarmless(): void
    {
        $client = $this->client(['email' => 'twicehook@example.com']);
        $service = $this->service($this->product(), $client);
        $this->assertActionSucceeds('Create', $service);

        run_hook('ClientClose', ['userid' => $client]);
        run_hook('ClientClose', ['userid' => $client]);
        self::assertSame('SUSPENDED', $this->linkOf("twicehook_example.com_$service")['status']);
        $calls = $this->apiCallsDuring(static function () use ($client): void {
            run_hook('PreDeleteClient', ['userid' => $client]);
            run_hook('ClientDelete', ['userid' => $client]);
            run_hook('PreDeleteClient', ['userid' => $client]);
        });

        self::assertSame('DELETED', $this->linkOf("twicehook_example.com_$service")['status']);
        self::assertLessThanOrEqual(4, $calls, 'the repeated hooks find the account already gone');
        foreach (Whmcs::activityLog() as $line) {
            self::assertStringNotContainsString('failed', strtolower($line), $line);
        }
    }

    /** A created service of a new client with that e-mail address. */
    private function created(string $email): int
    {
        $service = $this->service($this->product(), $this->client(['email' => $email]));
        $this->assertActionSucceeds('Create', $service);
        return $service;
    }
}
