<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * The daily bandwidth chart of a service, shown in the client area and on the admin service
 * page: this month beside the previous one, drawn on the server as SVG by the extension
 * (Aflexi\usage_chart: scale, bars, labels, escaping), with the same figures in a table in a
 * <details> for screen readers and readers without images. No script, nothing external.
 *
 * The period is the calendar month in WHMCS's local time, as UsageUpdate writes bwusage and
 * as WHMCS bills bandwidth overage, so the chart's month total is the figure of the bandwidth
 * row above it and of the bandwidth alerts (docs/ARCHITECTURE.md#usage-chart).
 *
 * Cost: at most one read of Aflexi per service per hour (Client::dailyBandwidth, the days from
 * the 1st of the previous month to today: stats.getSummaries for HTTP and for RTMP, sent at
 * once, since the API takes one type a query). The days read are kept in
 * mod_aflexi_usage_days; a page view within the hour reads only that row.
 * When Aflexi cannot be read, the last figures kept are shown with their age; without any,
 * a sentence says the chart is not available. The page itself never fails for the chart.
 */
final class UsageChart
{
    /** Figures younger than this are shown without asking Aflexi. */
    public const TTL_SECONDS = 3600;

    /**
     * The chart's HTML for a service: a <figure> with the SVG, a note on the figures' age and
     * the table; or a <p> saying why there is no chart. Every text is escaped (the SVG by the
     * extension, the rest here).
     *
     * @param array<string, string> $lang Lang::strings()
     */
    public static function html(Context $context, int $serviceId, array $lang, string $idPrefix, ?\DateTimeImmutable $now = null): string
    {
        try {
            $chart = self::chart($context, $serviceId, $lang, $idPrefix, $now ?? new \DateTimeImmutable('now'));
        } catch (\Throwable $e) {
            $context->note('usage_chart_failed', Messages::describe($e, $context->action, $context->connectionIfMade()));
            $chart = null;
        }
        if ($chart === null) {
            return '<p class="aflexi-usage-unavailable">' . Text::e($lang['chart_unavailable']) . '</p>';
        }
        $rows = '';
        foreach ($chart['rows'] as $row) {
            $rows .= '<tr><th scope="row">' . Text::e($row['day']) . '</th><td>' . Text::e($row['current_date']) . '</td><td>'
                . Text::e($row['current']) . '</td><td>' . Text::e($row['previous_date']) . '</td><td>' . Text::e($row['previous']) . '</td></tr>';
        }
        return '<figure class="aflexi-usage">' . $chart['svg']
            . '<figcaption class="aflexi-usage-note"><small>' . Text::e($chart['note']) . '</small></figcaption>'
            . '<details class="aflexi-usage-table"><summary>' . Text::e($lang['chart_table']) . '</summary>'
            . '<table class="table table-condensed"><caption>' . Text::e($lang['chart_title']) . '</caption><thead><tr>'
            . '<th scope="col">' . Text::e($lang['chart_day']) . '</th>'
            . '<th scope="col">' . Text::e($chart['current_label']) . '</th><th scope="col">' . Text::e($lang['chart_mb']) . '</th>'
            . '<th scope="col">' . Text::e($chart['previous_label']) . '</th><th scope="col">' . Text::e($lang['chart_mb']) . '</th>'
            . '</tr></thead><tbody>' . $rows . '</tbody><tfoot><tr><th scope="row">' . Text::e($lang['chart_total']) . '</th><td></td><td>'
            . Text::e($chart['current_total']) . '</td><td></td><td>' . Text::e($chart['previous_total']) . '</td></tr></tfoot></table></details></figure>';
    }

    /**
     * The chart (Aflexi\usage_chart's answer plus the period labels and the note), or null
     * when the service has no CDN account or no figures could ever be read.
     *
     * @param array<string, string> $lang
     * @return array<string, mixed>|null
     */
    public static function chart(Context $context, int $serviceId, array $lang, string $idPrefix, \DateTimeImmutable $now): ?array
    {
        $record = $context->records()->find($serviceId);
        $publisherId = (int) ($record->publisher_id ?? 0);
        if ($publisherId <= 0) {
            return null;
        }
        $today = $now->format('Y-m-d');
        $first = $now->modify('first day of this month');
        $previousFirst = $first->modify('-1 month');
        $previousLast = $first->modify('-1 day');
        $read = self::days($context, $serviceId, $publisherId, $previousFirst->format('Y-m-d'), $today, $now);
        if ($read === null) {
            return null;
        }
        [$days, $fetchedAt, $fresh] = $read;
        $currentLabel = strtr($lang['chart_current'], [':month' => $first->format('Y-m')]);
        $previousLabel = strtr($lang['chart_previous'], [':month' => $previousFirst->format('Y-m')]);
        $chart = \Aflexi\usage_chart([
            'id' => $idPrefix . $serviceId,
            'title' => $lang['chart_title'],
            'axis' => $lang['chart_axis'],
            'current' => ['label' => $currentLabel, 'days' => self::series($days, $first, $now)],
            'previous' => ['label' => $previousLabel, 'days' => self::series($days, $previousFirst, $previousLast)],
        ]);
        $chart['current_label'] = $currentLabel;
        $chart['previous_label'] = $previousLabel;
        $chart['note'] = strtr($lang[$fresh ? 'chart_as_of' : 'chart_stale'], [':date' => substr($fetchedAt, 0, 16)]);
        return $chart;
    }

    /**
     * The days of a service from $from to $to: kept ones younger than an hour, else read from
     * Aflexi and kept; when Aflexi fails, the kept ones of any age (fresh = false). Null when
     * none can be had.
     *
     * @return array{0: array<string, int>, 1: string, 2: bool}|null days by date, when read, fresh
     */
    private static function days(Context $context, int $serviceId, int $publisherId, string $from, string $to, \DateTimeImmutable $now): ?array
    {
        Schema::ensure();
        $kept = Capsule::table(Schema::USAGE_DAYS)->where('service_id', $serviceId)->where('publisher_id', $publisherId)->first();
        $keptDays = $kept === null ? null : json_decode((string) $kept->days, true);
        $usable = is_array($keptDays) && (string) $kept->first_day <= $from;
        $age = $kept === null ? PHP_INT_MAX : $now->getTimestamp() - strtotime((string) $kept->fetched_at);
        if ($usable && (string) $kept->last_day >= $to && $age >= 0 && $age < self::TTL_SECONDS) {
            $context->note('usage_chart', 'kept figures');
            return [$keptDays, (string) $kept->fetched_at, true];
        }
        try {
            $days = $context->client()->dailyBandwidth($publisherId, $from, $to);
        } catch (\Throwable $e) {
            $context->note('usage_chart_read_failed', Messages::describe($e, $context->action, $context->connectionIfMade()));
            return is_array($keptDays) ? [$keptDays, (string) $kept->fetched_at, false] : null;
        }
        $fetchedAt = $now->format('Y-m-d H:i:s');
        try {
            Capsule::table(Schema::USAGE_DAYS)->updateOrInsert(
                ['service_id' => $serviceId],
                ['publisher_id' => $publisherId, 'first_day' => $from, 'last_day' => $to, 'days' => json_encode($days, JSON_THROW_ON_ERROR), 'fetched_at' => $fetchedAt],
            );
        } catch (\Throwable $e) {
            // Two views at once may both insert; the figures read are shown all the same.
            $context->note('usage_chart_not_kept', Text::cap($e->getMessage(), 300));
        }
        return [$days, $fetchedAt, true];
    }

    /**
     * Every day from $first to $last with its MB (0 when Aflexi reported none).
     *
     * @param array<string, mixed> $days
     * @return list<array{date: string, mb: int}>
     */
    private static function series(array $days, \DateTimeImmutable $first, \DateTimeImmutable $last): array
    {
        $series = [];
        for ($day = $first; $day->format('Y-m-d') <= $last->format('Y-m-d'); $day = $day->modify('+1 day')) {
            $date = $day->format('Y-m-d');
            $series[] = ['date' => $date, 'mb' => (int) ($days[$date] ?? 0)];
        }
        return $series;
    }
}
