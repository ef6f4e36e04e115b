<?php
/**
 * What WHMCS sees of the module: MetaData, the product's Module Settings, the admin button,
 * the admin service tab, the client area (rendered with Smarty), the welcome e-mail's merge
 * fields, and the house rules (a docblock per entry point, no `cdn_` custom functions).
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiModuleTests\Support\Smarty;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Params;

final class ModuleSurfaceTest extends ModuleTestCase
{
    /** @testdox MetaData: Aflexi CDN, API 1.1, needs a server, ListAccounts keyed by username and configoption1 */
    #[\PHPUnit\Framework\Attributes\TestDox('MetaData: Aflexi CDN, API 1.1, needs a server, ListAccounts keyed by username and configoption1')]
    public function testMetaData(): void
    {
        $meta = aflexi_MetaData();

        self::assertSame('Aflexi CDN', $meta['DisplayName']);
        self::assertSame('1.1', $meta['APIVersion']);
        self::assertTrue($meta['RequiresServer']);
        self::assertSame('username', $meta['ListAccountsUniqueIdentifierField']);
        self::assertSame('configoption1', $meta['ListAccountsProductField']);
    }

    /** @testdox ConfigOptions: "Package name" is the first option (configoption1) */
    #[\PHPUnit\Framework\Attributes\TestDox('ConfigOptions: "Package name" is the first option (configoption1)')]
    public function testPackageNameIsTheFirstConfigOption(): void
    {
        $options = aflexi_ConfigOptions();

        self::assertSame('Package name', array_key_first($options));
        self::assertSame('text', $options['Package name']['Type']);
        self::assertLessThanOrEqual(24, count($options));
    }

    /** @testdox Every entry point has a docblock saying what it returns; no custom function starts with cdn_ */
    #[\PHPUnit\Framework\Attributes\TestDox('Every entry point has a docblock saying what it returns; no custom function starts with cdn_')]
    public function testEntryPointsAreDocumentedAndNeverCollideWithTheAddon(): void
    {
        $functions = array_filter(get_defined_functions()['user'], static fn (string $f): bool => str_starts_with($f, 'aflexi_'));
        self::assertContains('aflexi_createaccount', $functions);
        foreach ($functions as $function) {
            self::assertStringStartsNotWith('aflexi_cdn_', $function, 'aflexi_cdn_* belongs to the addon');
            $doc = (string) (new ReflectionFunction($function))->getDocComment();
            self::assertMatchesRegularExpression('/@return|Returns/', $doc, "$function has a docblock with its return");
        }
        foreach (aflexi_AdminCustomButtonArray() as $label => $suffix) {
            self::assertTrue(function_exists('aflexi_' . $suffix), "button $label has its function");
            self::assertStringStartsNotWith('cdn_', strtolower($suffix));
        }
        self::assertSame(['Resync' => 'Resync'], aflexi_AdminCustomButtonArray());
    }

    /** @testdox The admin service tab shows publisher id, link status, package, last sync and last error */
    #[\PHPUnit\Framework\Attributes\TestDox('The admin service tab shows publisher id, link status, package, last sync and last error')]
    public function testAdminServicesTabFields(): void
    {
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'tab@example.com']));
        self::assertStringContainsString('Not linked', implode(' ', aflexi_AdminServicesTabFields(Params::forService($service))));
        $this->assertActionSucceeds('Create', $service);
        $this->assertActionSucceeds('Suspend', $service);

        $fields = aflexi_AdminServicesTabFields(Params::forService($service));

        self::assertSame((string) $this->record($service)->publisher_id, $fields['Aflexi publisher ID']);
        self::assertSame("tab_example.com_$service", $fields['Aflexi username']);
        self::assertSame('SUSPENDED', $fields['Aflexi link status']);
        self::assertSame('gold', $fields['Aflexi package']);
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $fields['Aflexi last sync']);
        self::assertSame('none', $fields['Aflexi last error']);
        self::assertArrayNotHasKey('Aflexi extension', $fields);
    }

    /** @testdox The admin service tab returns [] when it cannot be built */
    #[\PHPUnit\Framework\Attributes\TestDox('The admin service tab returns [] when it cannot be built')]
    public function testAdminServicesTabFieldsReturnsNothingOnError(): void
    {
        if (Capsule::connection()->getDriverName() === 'sqlite') {
            self::markTestSkipped('SQLite reads an unknown quoted column as a string literal instead of failing');
        }
        Capsule::schema()->dropIfExists('mod_aflexi_publishers');
        Capsule::schema()->create('mod_aflexi_publishers', static function ($t): void {
            $t->increments('id'); // a broken table: no service_id column
        });

        self::assertSame([], aflexi_AdminServicesTabFields(['serviceid' => 1]));
    }

    /** @testdox The client area shows CDN username, status, package and the portal login URL */
    #[\PHPUnit\Framework\Attributes\TestDox('The client area shows CDN username, status, package and the portal login URL')]
    public function testClientAreaShowsTheAccount(): void
    {
        $this->sandbox->theme('https://cdn.my-brand.example', 'mybrand', $this->operatorLogin);
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'ca@example.com']));
        $this->assertActionSucceeds('Create', $service);

        $output = aflexi_ClientArea(Params::forService($service));
        $html = Smarty::render(ROOTDIR . '/modules/servers/aflexi/' . $output['tabOverviewModuleOutputTemplate'], $output['templateVariables']);

        self::assertStringContainsString("ca_example.com_$service", $html);
        self::assertStringContainsString('>Active<', $html);
        self::assertStringContainsString('>gold<', $html);
        self::assertStringContainsString('href="https://cdn.my-brand.example"', $html);
    }

    /** @testdox The client area reads the portal URL once an hour, not on every page view */
    #[\PHPUnit\Framework\Attributes\TestDox('The client area reads the portal URL once an hour, not on every page view')]
    public function testThePortalUrlIsRemembered(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'cache@example.com']));
        $this->assertActionSucceeds('Create', $service);
        aflexi_ClientArea(Params::forService($service));

        $calls = $this->apiCallsDuring(static fn () => aflexi_ClientArea(Params::forService($service)));

        self::assertSame(0, $calls);
    }

    /** @testdox The welcome e-mail hook adds its fields to that e-mail only */
    #[\PHPUnit\Framework\Attributes\TestDox('The welcome e-mail hook adds its fields to that e-mail only')]
    public function testTheWelcomeEmailHookAddsItsFieldsToThatEmailOnly(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'hook@example.com']), ['password' => 'Hook-Pass-1']);
        $this->assertActionSucceeds('Create', $service);

        $other = run_hook('EmailPreSend', ['messagename' => 'Invoice Created', 'relid' => $service, 'mergefields' => []]);
        $ours = run_hook('EmailPreSend', ['messagename' => WelcomeTemplate::NAME, 'relid' => $service, 'mergefields' => []]);

        self::assertSame([[]], $other);
        self::assertSame("hook_example.com_$service", $ours[0]['service_username']);
        self::assertSame('Hook-Pass-1', $ours[0]['service_password']);
        self::assertSame("http://portal.aflexi.net/p/{$this->operatorId}", $ours[0]['aflexi_portal_url']);
    }

    /** @testdox Saving a product that uses the module gives it the welcome e-mail when it has none */
    #[\PHPUnit\Framework\Attributes\TestDox('Saving a product that uses the module gives it the welcome e-mail when it has none')]
    public function testSavingAnAflexiProductGivesItTheWelcomeEmail(): void
    {
        $product = Fixtures::product(['name' => 'Later CDN', 'servertype' => '']);
        run_hook('ProductEdit', ['pid' => $product]);
        self::assertSame(0, (int) Capsule::table('tblproducts')->where('id', $product)->value('welcomeemail'));

        Capsule::table('tblproducts')->where('id', $product)->update(['servertype' => 'aflexi']);
        run_hook('ProductEdit', ['pid' => $product]);

        $template = (int) Capsule::table('tblemailtemplates')->where('name', WelcomeTemplate::NAME)->value('id');
        self::assertGreaterThan(0, $template);
        self::assertSame($template, (int) Capsule::table('tblproducts')->where('id', $product)->value('welcomeemail'));
    }

    /** @testdox The module's tables are InnoDB utf8mb4, created on first use */
    #[\PHPUnit\Framework\Attributes\TestDox('The module\'s tables are InnoDB utf8mb4, created on first use')]
    public function testTheModuleTablesAreCreatedOnFirstUse(): void
    {
        self::assertFalse(Capsule::schema()->hasTable('mod_aflexi_publishers'));

        aflexi_TestConnection(Params::forServer($this->serverId));

        self::assertTrue(Capsule::schema()->hasTable('mod_aflexi_publishers'));
        self::assertTrue(Capsule::schema()->hasTable('mod_aflexi_servers'));
        if (Capsule::connection()->getDriverName() === 'mysql') {
            $status = Capsule::connection()->selectOne('show table status where Name = ?', ['mod_aflexi_publishers']);
            self::assertSame('InnoDB', $status->Engine);
            self::assertStringStartsWith('utf8mb4', $status->Collation);
        }
    }
}
