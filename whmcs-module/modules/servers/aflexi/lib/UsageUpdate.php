<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * UsageUpdate (daily cron, once per server): writes each Aflexi service's bandwidth of the
 * current month to tblhosting (bwusage, bwlimit in MB, lastupdate), which WHMCS's bandwidth
 * overage billing and the client area read.
 *
 * Cost: a month of stats.getSummaries for the server's publishers, 200 publishers a query
 * (HTTP and RTMP: 2 calls per 200 services), and the operator's packages (1 call per page):
 * 10,000 services take about 102 calls. Each answer stays small (a month of daily figures for
 * every publisher at once would pass the 16 MB response limit near 2,000 publishers). The
 * queries run concurrently in the extension (Aflexi\UsageBatches, up to the client's
 * concurrency, INI aflexi.concurrency) and are handed over one answer at a time, each
 * reduced to one figure per publisher; the services are written as their figures arrive.
 *
 * Which services: Active and Suspended services of products using this module on the
 * server (as WHMCS's own modules do). Terminated, Cancelled, Pending and Fraud services keep
 * their last figures: their CDN account is gone or not made yet, and the overage billing of
 * a closed service is not redone.
 *
 *  - bwusage: Aflexi's figure for the service's recorded publisher (HTTP + RTMP), 0 when Aflexi
 *    reports none for it this month.
 *  - bwlimit: the bandwidthLimit (GB) of the product's package (its "Package name" setting,
 *    else the product name, as Create uses) × 1024; 0 when unlimited or not on Aflexi. A
 *    limit beyond what tblhosting.bwlimit (int(11), MB) holds (≥ 2,097,152 GB = 2 PB) is
 *    written as 0, unlimited, and the package is named in the module log: no bill can reach
 *    it, and a clamped figure would be a limit Aflexi does not have.
 *  - A usage figure beyond the column (≥ 2 PB in a month, only from a broken or hostile
 *    answer) is not written: that service keeps its last figures and is named.
 *  - A service without a linked publisher (never created, or not found on Aflexi) is left
 *    untouched and named in the module log and, once per run, in the activity log.
 *
 * Nothing is written unless the packages were read. A usage query that fails (or a figure
 * Aflexi garbles) fails only the services of its publishers, with the extension's error
 * kind in the module log; the others are written. The services are written CHUNK to a
 * statement; a statement that fails is retried service by service, so one bad row fails only
 * itself (the way WHMCS's own example writes row by row). When any service could not be
 * read or written the function returns an error naming them (WHMCS's convention: "success" or a
 * message), after writing all the others; the database's own message stays in the module
 * log, cut short, never the SQL.
 */
final class UsageUpdate
{
    /** The service statuses that are updated. */
    public const STATUSES = ['Active', 'Suspended'];
    /**
     * Services per UPDATE statement. MariaDB tries a CASE's WHENs in order for every row, so
     * a statement costs about the square of its size: 10,000 services took 0.2 s by 100 and
     * 0.4 s by 1,000 (docs/BENCHMARKS.md, "Concurrent usage queries").
     */
    public const CHUNK = 100;
    /** At most this many ids are named in a log entry. */
    private const LOG_IDS = 50;

    /** @var array<int, string> package name by product id */
    private array $packages = [];

    public function __construct(private readonly Context $context)
    {
    }

    /**
     * Runs the update for the server of the context's $params.
     *
     * @param \DateTimeImmutable|null $now the moment whose month is read (default: now, in
     *                                     WHMCS's local time zone, i.e. PHP's default)
     * @return array{year: int, month: int, updated: int, without_usage: int, skipped: list<int>}
     */
    public function run(?\DateTimeImmutable $now = null): array
    {
        $serverId = (int) ($this->context->params['serverid'] ?? 0);
        if ($serverId <= 0) {
            throw new ModuleError('Aflexi CDN: UsageUpdate was called without a server id; WHMCS passes the server record of each Aflexi server.');
        }
        [$year, $month] = self::month($now ?? new \DateTimeImmutable('now'));
        $this->context->note('month', sprintf('%04d-%02d', $year, $month));

        $services = $this->services($serverId);
        $this->context->note('services', count($services));
        if ($services === []) {
            return ['year' => $year, 'month' => $month, 'updated' => 0, 'without_usage' => 0, 'skipped' => []];
        }

        $linked = [];
        $skipped = [];
        foreach ($services as $service) {
            $publisherId = (int) ($service->publisher_id ?? 0);
            if ($publisherId <= 0 || (string) $service->record_status === PublisherRecords::NOT_FOUND) {
                $skipped[] = (int) $service->id;
            } else {
                $linked[(int) $service->id] = [$publisherId, $this->packageOf($service)];
            }
        }

        $read = ['updated' => 0, 'without_usage' => 0, 'unread' => [], 'failed' => []];
        $packages = $limits = [];
        if ($linked !== []) {
            $client = $this->context->client();
            $packages = $client->listPackages();
            $limits = self::limitsByPackage($packages);
            $read = $this->readAndWrite($client, $year, $month, $linked, $limits);
        }
        $failed = $read['failed'];
        $missingPackages = [];
        foreach ($linked as [, $package]) {
            if (!isset($limits[$package])) {
                $missingPackages[$package] = true;
            }
        }

        $this->context->note('updated', $read['updated']);
        $this->context->note('without_usage', $read['without_usage']);
        $this->context->note('not_read_by_kind', array_count_values(array_column($read['unread'], 'kind')));
        $this->context->note('packages_not_on_aflexi_limit_0', array_keys($missingPackages));
        $this->context->note('packages_beyond_bwlimit_unlimited', self::beyondColumn($packages));
        $this->context->note('skipped_no_publisher', self::someIds($skipped));
        if ($skipped !== []) {
            ModuleCall::activity(sprintf(
                'Aflexi CDN: bandwidth usage of %d service(s) on server #%d not updated: no CDN account is linked to them (never created, or not found on Aflexi; run Create or Resync): services #%s',
                count($skipped),
                $serverId,
                implode(', #', self::someIds($skipped)) . (count($skipped) > self::LOG_IDS ? ', ...' : ''),
            ));
        }
        if ($read['unread'] !== []) {
            $this->context->note('not_read', array_map(static fn (array $why): string => $why['kind'] . ': ' . Text::cap($why['error'], 300), array_slice($read['unread'], 0, self::LOG_IDS, true)));
            $failed += array_map(static fn (array $why): string => $why['error'], $read['unread']);
        }
        if ($failed !== []) {
            $this->context->note('not_written', array_map(static fn (string $why): string => Text::cap($why, 300), array_slice($failed, 0, self::LOG_IDS, true)));
            throw new ModuleError(sprintf(
                'Aflexi CDN: bandwidth usage of %d service(s) on server #%d could not be read or written (the other %d were written): services #%s; the module log has the reason.',
                count($failed),
                $serverId,
                $read['updated'],
                implode(', #', self::someIds(array_keys($failed))) . (count($failed) > self::LOG_IDS ? ', ...' : ''),
            ));
        }
        return ['year' => $year, 'month' => $month, 'updated' => $read['updated'], 'without_usage' => $read['without_usage'], 'skipped' => $skipped];
    }

    /**
     * Reads the month's usage of the linked services' publishers as the core's concurrent
     * queries (Aflexi\UsageBatches: one answer at a time) and writes each CHUNK of services
     * as their figures arrive, so that only a chunk of rows is held. A publisher whose figure
     * could not be read fails its own services (with the core's error kind), never the others.
     *
     * @param array<int, array{0: int, 1: string}> $linked [publisher id, package] by service id
     * @param array<string, int> $limits limit MB by package
     * @return array{updated: int, without_usage: int, unread: array<int, array{kind: string, error: string}>, failed: array<int, string>}
     */
    private function readAndWrite(\Aflexi\Client $client, int $year, int $month, array $linked, array $limits): array
    {
        $servicesOf = [];
        foreach ($linked as $serviceId => [$publisherId]) {
            $servicesOf[$publisherId][] = $serviceId;
        }
        $now = PublisherRecords::now();
        $result = ['updated' => 0, 'without_usage' => 0, 'unread' => [], 'failed' => []];
        $rows = [];
        $flush = function () use (&$rows, &$result, $now): void {
            $failed = $this->write($rows, $now);
            $result['failed'] += $failed;
            $result['updated'] += count($rows) - count($failed);
            $rows = [];
        };
        $batches = $client->usageBatches($year, $month, array_keys($servicesOf));
        while (($batch = $batches->next()) !== null) {
            foreach ($batch as $row) {
                foreach ($servicesOf[(int) $row['publisher']] ?? [] as $serviceId) {
                    if ($row['kind'] !== null) {
                        $result['unread'][$serviceId] = ['kind' => (string) $row['kind'], 'error' => (string) $row['error']];
                        continue;
                    }
                    if ($row['mb'] === null) {
                        $result['without_usage']++;
                    }
                    try {
                        $mb = \Aflexi\bandwidth_usage_mb($row['mb'] ?? 0);
                    } catch (\Aflexi\InvalidInputException $e) {
                        $result['failed'][$serviceId] = $e->getMessage();
                        continue;
                    }
                    $rows[$serviceId] = [$mb, $limits[$linked[$serviceId][1]] ?? 0];
                }
            }
            if (count($rows) >= self::CHUNK) {
                $flush();
            }
        }
        $flush();
        ksort($result['unread']);
        return $result;
    }

    /**
     * The calendar month of a moment, in the moment's own time zone (WHMCS's local time: at
     * 00:30 on the 1st the new month is read, whatever UTC says).
     *
     * @return array{0: int, 1: int} year, month
     */
    public static function month(\DateTimeImmutable $now): array
    {
        return [(int) $now->format('Y'), (int) $now->format('n')];
    }

    /**
     * The bandwidth limit in MB of each package, by normalised name, by the extension's rule
     * (Aflexi\bandwidth_limit: GB × 1024, 0 when unlimited or beyond the column).
     *
     * @param list<array<string, mixed>> $packages Aflexi\Client::listPackages()
     * @return array<string, int>
     */
    public static function limitsByPackage(array $packages): array
    {
        $limits = [];
        foreach ($packages as $package) {
            $limit = \Aflexi\bandwidth_limit($package['bandwidth_limit_gb'] ?? null);
            $limits[\Aflexi\package_name((string) ($package['name'] ?? ''), '', '')] = $limit['mb'];
        }
        return $limits;
    }

    /**
     * The packages whose limit does not fit the column (written as unlimited).
     *
     * @param list<array<string, mixed>> $packages Aflexi\Client::listPackages()
     * @return list<string>
     */
    public static function beyondColumn(array $packages): array
    {
        $names = [];
        foreach ($packages as $package) {
            if (\Aflexi\bandwidth_limit($package['bandwidth_limit_gb'] ?? null)['beyond_column']) {
                $names[] = (string) ($package['name'] ?? '');
            }
        }
        return $names;
    }

    /** @return list<\stdClass> the server's services to update, with product and record fields */
    private function services(int $serverId): array
    {
        $this->context->records(); // creates the records table when missing
        return Capsule::table('tblhosting as h')
            ->join('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->leftJoin(Schema::PUBLISHERS . ' as r', 'r.service_id', '=', 'h.id')
            ->where('h.server', $serverId)
            ->where('p.servertype', 'aflexi')
            ->whereIn('h.domainstatus', self::STATUSES)
            ->orderBy('h.id')
            ->get(['h.id', 'h.packageid', 'p.name as product_name', 'p.configoption1', 'r.publisher_id', 'r.status as record_status'])
            ->all();
    }

    /** The package name of a service's product, by the extension's rule (as Create uses). */
    private function packageOf(\stdClass $service): string
    {
        return $this->packages[(int) $service->packageid] ??= \Aflexi\package_name(
            trim((string) ($service->configoption1 ?? '')),
            '',
            Text::decoded($service->product_name ?? ''),
        );
    }

    /**
     * Writes bwusage, bwlimit and lastupdate: one UPDATE per CHUNK services (CASE on the id;
     * every value an int, written as a literal). A chunk whose statement fails is written
     * service by service. Returns the services that could not be written, with the database's
     * reason (never the statement).
     *
     * @param array<int, array{0: int, 1: int}> $rows [usage MB, limit MB] by service id
     * @return array<int, string>
     */
    private function write(array $rows, string $now): array
    {
        $failed = [];
        foreach (array_chunk($rows, self::CHUNK, true) as $chunk) {
            try {
                self::update($chunk, $now);
            } catch (\Throwable) {
                foreach ($chunk as $id => $row) {
                    try {
                        self::update([$id => $row], $now);
                    } catch (\Throwable $e) {
                        $failed[$id] = self::reason($e);
                    }
                }
            }
        }
        return $failed;
    }

    /** @param array<int, array{0: int, 1: int}> $rows */
    private static function update(array $rows, string $now): void
    {
        $usage = $limit = '';
        foreach ($rows as $id => [$mb, $limitMb]) {
            $usage .= sprintf(' WHEN %d THEN %d', $id, $mb);
            $limit .= sprintf(' WHEN %d THEN %d', $id, $limitMb);
        }
        Capsule::table('tblhosting')->whereIn('id', array_keys($rows))->update([
            'bwusage' => Capsule::raw("CASE id$usage END"),
            'bwlimit' => Capsule::raw("CASE id$limit END"),
            'lastupdate' => $now,
        ]);
    }

    /** The database's reason for a failed write, without the SQL Illuminate appends. */
    private static function reason(\Throwable $e): string
    {
        $previous = $e->getPrevious();
        $message = $previous instanceof \PDOException ? $previous->getMessage() : $e->getMessage();
        $cut = strpos($message, ' (SQL:');
        return $cut === false ? $message : substr($message, 0, $cut);
    }

    /**
     * @param list<int> $ids
     * @return list<int>
     */
    private static function someIds(array $ids): array
    {
        return array_map('intval', array_slice($ids, 0, self::LOG_IDS));
    }
}
