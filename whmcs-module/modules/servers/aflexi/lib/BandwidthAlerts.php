<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * Bandwidth alerts (daily cron, hooks.php DailyCronJob, which WHMCS runs at the very end of
 * the daily automation, after UsageUpdate wrote this month's bwusage): the e-mail "Aflexi CDN
 * Bandwidth Alert" to the client of each Active Aflexi service whose usage this month reached
 * one of its product's thresholds ("Bandwidth alert thresholds", configoption3, percentages of
 * bwlimit; default 80,100; Aflexi\alert_thresholds), once per service, month and threshold.
 *
 * Never twice: before sending, the alert is claimed by inserting its row into
 * mod_aflexi_alerts_sent, whose unique key (service, month, threshold) lets only one run (or
 * one of two cron processes at once) have it. After WHMCS's SendEmail answers success the row
 * becomes 'sent' and the activity log names the alert with the client id; when SendEmail
 * answers an error the claim is deleted, so the next run tries again. A crash between the
 * claim and the answer leaves 'claiming': that alert is not sent again (at most once, the
 * safer side for an e-mail) and each later run names it in the activity log.
 *
 * The figures are tblhosting's bwusage and bwlimit (MB) when lastupdate is in this month, so
 * that on the 1st last month's figure never alerts for the new month. No API call.
 */
final class BandwidthAlerts
{
    public const TEMPLATE = 'Aflexi CDN Bandwidth Alert';
    public const CLAIMING = 'claiming';
    public const SENT = 'sent';

    /**
     * Sends the alerts due. $now: the moment whose month is checked (default now, WHMCS's
     * local time, as UsageUpdate).
     *
     * @return array{sent: int, failed: int, stuck: int}
     */
    public static function run(Context $context, ?\DateTimeImmutable $now = null): array
    {
        Schema::ensure();
        EmailTemplates::install(self::TEMPLATE, 'Bandwidth alert: {$aflexi_threshold}% of your CDN bandwidth used', self::body());
        $now ??= new \DateTimeImmutable('now');
        $period = $now->format('Y-m');
        $sent = $failed = 0;
        $thresholdsOf = [];
        foreach (self::services($period) as $service) {
            $productId = (int) $service->packageid;
            if (!array_key_exists($productId, $thresholdsOf)) {
                try {
                    $thresholdsOf[$productId] = \Aflexi\alert_thresholds((string) ($service->configoption3 ?? ''));
                } catch (\Aflexi\InvalidInputException $e) {
                    $thresholdsOf[$productId] = [];
                    ModuleCall::activity(sprintf('Aflexi CDN: the bandwidth alert thresholds of product #%d are not valid, no alerts are sent for it: %s', $productId, $e->getMessage()));
                }
            }
            $reached = \Aflexi\alerts_reached((int) $service->bwusage, (int) $service->bwlimit, $thresholdsOf[$productId]);
            foreach ($reached as $threshold) {
                $outcome = self::send($service, $period, (int) $threshold);
                $sent += $outcome === true ? 1 : 0;
                $failed += $outcome === false ? 1 : 0;
            }
        }
        $stuck = Capsule::table(Schema::ALERTS_SENT)->where('period', $period)->where('state', self::CLAIMING)
            ->where('claimed_at', '<', $now->modify('-1 hour')->format('Y-m-d H:i:s'))->pluck('service_id')->all();
        if ($stuck !== []) {
            ModuleCall::activity(sprintf('Aflexi CDN: the bandwidth alert of service(s) #%s was claimed but its sending never finished (the process stopped); it is not sent again.', implode(', #', array_unique($stuck))));
        }
        $context->note('alerts', ['period' => $period, 'sent' => $sent, 'failed' => $failed, 'stuck' => count($stuck)]);
        return ['sent' => $sent, 'failed' => $failed, 'stuck' => count($stuck)];
    }

    /**
     * Claims, sends and records one alert: true sent, false failed (claim released), null
     * already claimed by an earlier or a parallel run.
     */
    private static function send(\stdClass $service, string $period, int $threshold): ?bool
    {
        $key = ['service_id' => (int) $service->id, 'period' => $period, 'threshold' => $threshold];
        $claimed = Capsule::table(Schema::ALERTS_SENT)->insertOrIgnore($key + ['state' => self::CLAIMING, 'claimed_at' => PublisherRecords::now()]);
        if ($claimed !== 1) {
            return null;
        }
        $used = \Aflexi\format_mb((int) $service->bwusage);
        $limit = \Aflexi\format_mb((int) $service->bwlimit);
        $vars = array_map([Text::class, 'e'], [
            'aflexi_threshold' => (string) $threshold,
            'aflexi_usage' => $used,
            'aflexi_limit' => $limit,
            'aflexi_percent' => (string) intdiv((int) $service->bwusage * 100, max(1, (int) $service->bwlimit)),
            'aflexi_period' => $period,
        ]);
        try {
            $result = localAPI('SendEmail', ['messagename' => self::TEMPLATE, 'id' => (int) $service->id, 'customvars' => base64_encode(serialize($vars))]);
        } catch (\Throwable $e) {
            $result = ['result' => 'error', 'message' => $e->getMessage()];
        }
        if (($result['result'] ?? '') !== 'success') {
            Capsule::table(Schema::ALERTS_SENT)->where($key)->delete();
            ModuleCall::activity(sprintf('Aflexi CDN: the %d%% bandwidth alert of service #%d could not be sent (%s); the next daily cron tries again.', $threshold, (int) $service->id, Text::cap((string) ($result['message'] ?? 'no answer'), 300)), (int) $service->userid);
            return false;
        }
        Capsule::table(Schema::ALERTS_SENT)->where($key)->update(['state' => self::SENT, 'sent_at' => PublisherRecords::now()]);
        ModuleCall::activity(sprintf('Aflexi CDN: %d%% bandwidth alert sent for service #%d (%s of %s in %s)', $threshold, (int) $service->id, $used, $limit, $period), (int) $service->userid);
        return true;
    }

    /** @return list<\stdClass> Active Aflexi services with a limit and this month's figures */
    private static function services(string $period): array
    {
        return Capsule::table('tblhosting as h')
            ->join('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->where('p.servertype', 'aflexi')
            ->where('h.domainstatus', 'Active')
            ->where('h.bwlimit', '>', 0)
            ->where('h.lastupdate', '>=', $period . '-01 00:00:00')
            ->orderBy('h.id')
            ->get(['h.id', 'h.userid', 'h.packageid', 'h.bwusage', 'h.bwlimit', 'p.configoption3'])
            ->all();
    }

    /**
     * The template's HTML. Merge fields (besides WHMCS's client_* and service_* fields), all
     * given by the module, HTML-escaped: {$aflexi_threshold} (the percentage reached),
     * {$aflexi_usage} and {$aflexi_limit} ("850 MB", "1.5 GB"), {$aflexi_percent} (the share
     * of the limit used, whole percent), {$aflexi_period} (the month, YYYY-MM).
     */
    public static function body(): string
    {
        return <<<'HTML'
<p>Dear {$client_name},</p>
<p>Your CDN service <strong>{$service_product_name}</strong> has used {$aflexi_usage} of its {$aflexi_limit} monthly bandwidth in {$aflexi_period} ({$aflexi_percent}%), reaching the {$aflexi_threshold}% alert level.</p>
<p>You can follow your daily usage on the service's page in our client area.</p>
<p>{$signature}</p>
HTML;
    }
}
