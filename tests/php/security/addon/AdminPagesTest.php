<?php
/**
 * The addon's admin pages under attack: CSRF (no token, a wrong token, a GET) on every action,
 * GET never calling the Aflexi API, XSS payloads in every field that reaches the pages, the
 * auth key in no page in any encoding, and the products page at a size past MariaDB's
 * placeholder limit.
 */

declare(strict_types=1);

use AflexiAddonTests\Support\AddonTestCase;
use AflexiSecurityTests\Support\Leaks;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\AdminPage;
use WHMCS\Module\Addon\AflexiCdn\Catalog;
use WHMCS\Module\Addon\AflexiCdn\Desired;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Addon;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Fixtures;
use WhmcsHarness\TokenRejected;

final class AdminPagesTest extends AddonTestCase
{
    /**
     * Every action of the addon page and a form for it (never empty: an empty POST body is
     * read as a GET, which does nothing).
     */
    private const ACTIONS = [
        'save' => ['products' => ['1']],
        'apply' => ['go' => '1'],
        'step' => ['go' => '1'],
        'publishers' => ['show' => '1'],
        'packages' => ['load' => '1'],
        'retry' => ['service' => '0'],
    ];

    /** @testdox Every action refuses a POST without the CSRF token or with a wrong one, before it does anything */
    #[\PHPUnit\Framework\Attributes\TestDox('Every action refuses a POST without the CSRF token or with a wrong one, before it does anything')]
    public function testEveryPostNeedsTheToken(): void
    {
        $product = $this->product();
        $this->activeService($product, ['username' => 'csrfall']);
        $before = $this->sandbox->totalCalls();
        foreach (self::ACTIONS as $action => $form) {
            foreach (['no token' => false, 'wrong token' => true] as $case => $withToken) {
                $sent = $withToken ? $form + ['token' => str_repeat('0', 40)] : $form;
                try {
                    AddonPage::post(self::MODULE, $sent, ['action' => $action, 'run' => '1'], $withToken);
                    self::fail("$action with $case was accepted");
                } catch (TokenRejected) {
                }
            }
        }
        self::assertSame(0, Capsule::table(Schema::PRODUCTS)->count());
        self::assertSame(0, Capsule::table(Schema::RUNS)->count());
        self::assertSame($before, $this->sandbox->totalCalls(), 'no API call');
    }

    /** @testdox A GET of any action (a link, an image) changes nothing and calls no API */
    #[\PHPUnit\Framework\Attributes\TestDox('A GET of any action (a link, an image) changes nothing and calls no API')]
    public function testAGetOfAnyActionChangesNothingAndCallsNoApi(): void
    {
        $product = $this->product();
        $this->activeService($product, ['username' => 'getall']);
        $before = $this->sandbox->totalCalls();
        foreach (self::ACTIONS as $action => $form) {
            $html = AddonPage::get(self::MODULE, ['action' => $action, 'run' => '1'] + $form);
            self::assertStringNotContainsString('alert-danger', $html, $action);
        }
        self::assertSame(0, Capsule::table(Schema::PRODUCTS)->count());
        self::assertSame(0, Capsule::table(Schema::RUNS)->count());
        self::assertSame($before, $this->sandbox->totalCalls(), 'a GET called the API');
        $packages = AddonPage::get(self::MODULE, ['action' => 'packages']);
        self::assertStringContainsString('name="token"', $packages, 'the packages are loaded by a POST with the token');
    }

    /** @testdox XSS payloads in product, group, client, e-mail and package names are shown as text on every page */
    #[\PHPUnit\Framework\Attributes\TestDox('XSS payloads in product, group, client, e-mail and package names are shown as text on every page')]
    public function testXssPayloadsAreEscapedOnEveryPage(): void
    {
        $payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
        $group = Fixtures::productGroup(['name' => 'Group ' . $payload]);
        // No hosting package: the Aflexi package is named after the product, payload and all.
        $product = $this->product('Plan ' . $payload, '', ['gid' => $group]);
        $client = Fixtures::client(['firstname' => $payload, 'lastname' => $payload, 'companyname' => $payload, 'email' => 'x' . bin2hex(random_bytes(3)) . '@example.com']);
        $this->activeService($product, ['userid' => $client, 'username' => 'xssall']);
        $this->saveAndApply([$product]);

        $pages = [
            'products' => AddonPage::get(self::MODULE),
            'publishers' => AddonPage::get(self::MODULE, ['action' => 'publishers']),
            'packages' => AddonPage::post(self::MODULE, ['load' => '1'], ['action' => 'packages']),
            'preview' => $this->save([$product]),
            'runs' => AddonPage::get(self::MODULE, ['action' => 'runs']),
            'run' => AddonPage::get(self::MODULE, ['action' => 'run', 'id' => (string) \WHMCS\Database\Capsule::table(\WHMCS\Module\Addon\AflexiCdn\Schema::RUNS)->max('id')]),
        ];
        foreach ($pages as $name => $html) {
            self::assertStringNotContainsString('<script>alert(1)', $html, $name);
            self::assertStringNotContainsString('<img src=x', $html, $name);
            self::assertSame([], Leaks::in($html, $this->authKey), $name);
        }
        self::assertStringContainsString('&lt;script&gt;alert(1)&lt;/script&gt;', $pages['products']);
        self::assertStringContainsString('&quot;&gt;&lt;script&gt;alert(1)', $pages['run'], 'the client name in the report, escaped');
        self::assertStringContainsString('Plan &quot;&gt;&lt;script&gt;', $pages['packages'], 'the package (from Aflexi) is listed, escaped');
    }

    /** @testdox Every text is escaped exactly once: a language string with quotes and & shows as typed in a tab, a heading and an alert */
    #[\PHPUnit\Framework\Attributes\TestDox('Every text is escaped exactly once: a language string with quotes and & shows as typed in a tab, a heading and an alert')]
    public function testEveryTextIsEscapedExactlyOnce(): void
    {
        $vars = Addon::vars(self::MODULE);
        $vars['_lang'] = [
            'nav_packages' => 'Packages & "plans"',
            'run_missing' => "That run's gone & <b>away</b>",
        ] + $vars['_lang'];

        $html = (new AdminPage($vars))->handle(['action' => 'step', 'run' => '999999'], [], 1);

        self::assertStringContainsString('>Packages &amp; &quot;plans&quot;</a>', $html, 'the tab');
        self::assertStringContainsString('<div class="alert alert-warning">That run&#039;s gone &amp; &lt;b&gt;away&lt;/b&gt;</div>', $html, 'the alert');
        self::assertStringNotContainsString('&amp;#039;', $html, 'never escaped twice');
        self::assertStringNotContainsString('&amp;amp;', $html, 'never escaped twice');
    }

    /** @testdox A password view is a POST with the token and shows the password each time it is asked (no "once" limit; the code's comment says so) */
    #[\PHPUnit\Framework\Attributes\TestDox('A password view is a POST with the token and shows the password each time it is asked (no "once" limit; the code\'s comment says so)')]
    public function testAPasswordIsShownOnEachPostWithTheToken(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'pwview']);
        $this->saveAndApply([$product]);
        $password = decrypt((string) $this->record($service)->password);

        $first = AddonPage::post(self::MODULE, ['show' => (string) $service], ['action' => 'publishers']);
        $second = AddonPage::post(self::MODULE, ['show' => (string) $service], ['action' => 'publishers']);
        $get = AddonPage::get(self::MODULE, ['action' => 'publishers', 'show' => (string) $service]);

        self::assertStringContainsString(htmlspecialchars($password), $first);
        self::assertStringContainsString(htmlspecialchars($password), $second);
        self::assertStringNotContainsString(htmlspecialchars($password), $get, 'never by GET');
    }

    /** @testdox The products page and Save work with 65,536 products (past MariaDB's 65,535 placeholders) */
    #[\PHPUnit\Framework\Attributes\TestDox('The products page and Save work with 65,536 products (past MariaDB\'s 65,535 placeholders)')]
    public function testTheProductsPageWorksPastThePlaceholderLimit(): void
    {
        $count = 65536;
        // One product made the usual way, doubled 16 times by INSERT ... SELECT (every column
        // copied, so the insert names what the schema requires).
        $template = Fixtures::product(['name' => 'Bulk', 'servertype' => 'cpanel', 'paytype' => 'free']);
        $names = array_values(array_diff(Capsule::schema()->getColumnListing('tblproducts'), ['id']));
        $columns = implode(', ', array_map(static fn (string $c): string => "`$c`", $names));
        $copied = implode(', ', array_map(static fn (string $c): string => $c === 'name' ? "'Bulk'" : "`$c`", $names));
        Capsule::table('tblproducts')->where('id', $template)->update(['name' => Capsule::raw("CONCAT('Bulk ', id)")]);
        for ($n = 1; $n < $count; $n *= 2) {
            Capsule::connection()->statement("INSERT INTO tblproducts ($columns) SELECT $copied FROM tblproducts WHERE name LIKE 'Bulk %'");
            Capsule::table('tblproducts')->where('name', 'Bulk')->update(['name' => Capsule::raw("CONCAT('Bulk ', id)")]);
        }
        $ids = array_map('intval', Capsule::table('tblproducts')->where('name', 'like', 'Bulk %')->orderBy('id')->pluck('id')->all());
        self::assertCount($count, $ids);
        self::assertContains($template, $ids);
        // The "Aflexi CDN" product addon lists its products in WHMCS's tbladdons.packages, a
        // TEXT column (64 KB, about 10,000 ids): a WHMCS limit, documented in docs/SECURITY.md,
        // not what this test is about.
        Capsule::table('tbladdons')->where('name', Catalog::ADDON_NAME)->delete();
        $html = AddonPage::get(self::MODULE);

        // (A failure would print half a megabyte of SQL: say it short.)
        self::assertFalse(str_contains($html, 'alert-danger'), 'the page shows an error: ' . substr(strip_tags($html), 0, 300));
        self::assertStringContainsString('Bulk ' . end($ids) . '<', $html);
        [$on] = Catalog::setEnabled($ids);
        self::assertCount($count, $on);
        self::assertSame($count, Capsule::table(Schema::PRODUCTS)->count());
        // Reading who gets CDN (Save Settings' preview, the runs) names no product ids either.
        $desired = new Desired();
        self::assertSame(0, $desired->estimate());
        self::assertCount(1, iterator_to_array($desired->all(), false), 'only the (empty) orphans batch');
        [$on, $off] = Catalog::setEnabled([$ids[0]]);
        self::assertSame([[], $count - 1], [$on, count($off)]);
        self::assertCount($count, Catalog::free($ids));
    }

    /** @testdox A template fetched directly, outside WHMCS, prints nothing */
    #[\PHPUnit\Framework\Attributes\TestDox('A template fetched directly, outside WHMCS, prints nothing')]
    public function testATemplateRequestedDirectlyPrintsNothing(): void
    {
        $templates = glob(dirname(__DIR__, 4) . '/whmcs-addon/modules/addons/aflexi_cdn/templates/admin/*.php') ?: [];
        self::assertNotEmpty($templates);
        foreach ($templates as $template) {
            // A web server would run the file on its own: a fresh PHP without WHMCS defined.
            $output = [];
            exec(escapeshellarg(PHP_BINARY) . ' -n -d display_errors=1 ' . escapeshellarg($template) . ' 2>&1', $output, $status);
            self::assertSame(0, $status, basename($template));
            self::assertSame([], $output, basename($template) . ' printed: ' . implode("\n", $output));
        }
    }
}
