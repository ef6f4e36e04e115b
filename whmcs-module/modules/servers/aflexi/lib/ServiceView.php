<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * What the client area and the admin service tab show of a service's CDN account. Values are
 * read from the service's record and from the bandwidth figures UsageUpdate wrote to
 * tblhosting (no API call), except the portal URL (remembered per server for an hour).
 * Everything is escaped at output: by the Smarty template (|escape) for the client area, by
 * Text::e() here for the admin tab, which WHMCS prints as HTML.
 */
final class ServiceView
{
    public const CLIENT_TEMPLATE = 'templates/clientarea.tpl';
    public const ERROR_TEMPLATE = 'templates/error.tpl';

    /** ClientArea: the template and its variables (raw values; the template escapes them). */
    public static function clientArea(Context $context): array
    {
        $params = $context->params;
        $language = (string) ($params['clientsdetails']['language'] ?? '') ?: 'english';
        $lang = Lang::strings($language);
        $record = $context->records()->find((int) ($params['serviceid'] ?? 0));
        $status = $record !== null ? (string) $record->status : '';

        $portalUrl = '';
        try {
            $portalUrl = self::safeUrl($context->connection()->portalUrl());
        } catch (\Throwable $e) {
            $context->note('portal_url_unavailable', Messages::describe($e, $context->action, $context->connectionIfMade()));
        }

        return [
            'tabOverviewModuleOutputTemplate' => self::CLIENT_TEMPLATE,
            'templateVariables' => [
                'aflexiLang' => $lang,
                'aflexiUsername' => (string) ($params['username'] ?? '') ?: (string) ($record->username ?? ''),
                'aflexiStatus' => $lang['status_' . $status] ?? $lang['status_unknown'],
                'aflexiPackage' => (string) ($record->package ?? ''),
                'aflexiPortalUrl' => $portalUrl,
                // HTML: the SVG escaped by the extension, every other text by UsageChart.
                'aflexiUsageChart' => UsageChart::html($context, (int) ($params['serviceid'] ?? 0), $lang, 'aflexi-usage-'),
                'aflexiSingleSignOn' => SingleSignOn::enabled($params) && SingleSignOn::offered($status),
                'aflexiServiceId' => (int) ($params['serviceid'] ?? 0),
            ] + self::bandwidth((int) ($params['serviceid'] ?? 0), $lang),
        ];
    }

    /**
     * This month's bandwidth of a service as UsageUpdate last wrote it (tblhosting bwusage,
     * bwlimit in MB, lastupdate): aflexiBandwidth ("1.5 GB of 100 GB", "12 MB (unlimited)" or
     * "not measured yet") and aflexiBandwidthUpdated (the time of the figure, or '').
     *
     * @param array<string, string> $lang
     * @return array{aflexiBandwidth: string, aflexiBandwidthUpdated: string}
     */
    public static function bandwidth(int $serviceId, array $lang): array
    {
        $row = Capsule::table('tblhosting')->where('id', $serviceId)->first(['bwusage', 'bwlimit', 'lastupdate']);
        $updated = trim((string) ($row->lastupdate ?? ''));
        if ($row === null || $updated === '' || str_starts_with($updated, '0000')) {
            return ['aflexiBandwidth' => $lang['bandwidth_never'], 'aflexiBandwidthUpdated' => ''];
        }
        $used = self::megabytes((int) $row->bwusage);
        $limit = (int) $row->bwlimit;
        return [
            'aflexiBandwidth' => $limit > 0
                ? strtr($lang['bandwidth_of'], [':used' => $used, ':limit' => self::megabytes($limit)])
                : strtr($lang['bandwidth_unlimited'], [':used' => $used]),
            'aflexiBandwidthUpdated' => strtr($lang['bandwidth_updated'], [':date' => substr($updated, 0, 16)]),
        ];
    }

    /**
     * 850 → "850 MB", 1536 → "1.5 GB", 3145728 → "3 TB" (binary units, as Aflexi's GB limits).
     * The wording of Aflexi\format_mb (aflexi-core/src/usage.rs), kept here because this row is
     * shown even when the extension is missing; UsageChartTest pins the two together.
     */
    public static function megabytes(int $mb): string
    {
        foreach ([['TB', 1024 * 1024], ['GB', 1024]] as [$unit, $size]) {
            if ($mb >= $size) {
                return rtrim(rtrim(number_format($mb / $size, 2, '.', ','), '0'), '.') . ' ' . $unit;
            }
        }
        return number_format(max(0, $mb), 0, '.', ',') . ' MB';
    }

    /** ClientArea after a failure: a neutral message for the client (the details are in the module log). */
    public static function clientAreaError(array $params): array
    {
        $language = (string) ($params['clientsdetails']['language'] ?? '') ?: 'english';
        return [
            'tabOverviewModuleOutputTemplate' => self::ERROR_TEMPLATE,
            'templateVariables' => ['aflexiError' => Lang::get('error', $language)],
        ];
    }

    /**
     * AdminServicesTabFields: label => HTML. Says so when the extension is not usable, since
     * nothing else on the page would.
     *
     * @return array<string, string>
     */
    public static function adminFields(Context $context): array
    {
        $fields = [];
        $problem = Extension::problem();
        if ($problem !== null) {
            $fields['Aflexi extension'] = '<span style="color:#c00">' . Text::e($problem) . '</span>';
        }
        try {
            $record = $context->records()->find((int) ($context->params['serviceid'] ?? 0));
        } catch (\Throwable $e) {
            if ($problem === null) {
                throw $e;
            }
            return $fields; // the missing extension is the news
        }
        if ($record === null) {
            $fields['Aflexi publisher'] = Text::e('Not linked: no CDN account was created for this service yet (use Create).');
            return $fields;
        }
        $error = (string) ($record->last_error ?? '');
        return $fields + [
            'Aflexi publisher ID' => Text::e($record->publisher_id ?? '(none yet)'),
            'Aflexi username' => Text::e($record->username),
            'Aflexi link status' => Text::e($record->status),
            'Aflexi package' => Text::e($record->package),
            'Aflexi bandwidth this month' => Text::e(implode(', ', array_filter(self::bandwidth((int) $record->service_id, Lang::strings())))),
            'Aflexi daily bandwidth' => UsageChart::html($context, (int) $record->service_id, Lang::strings(), 'aflexi-admin-usage-'),
            'Aflexi last sync' => Text::e($record->last_sync ?? 'never'),
            'Aflexi last error' => $error === '' ? Text::e('none') : '<span style="color:#c00">' . Text::e($error) . '</span>',
        ];
    }

    /** An http(s) URL as is; anything else (javascript:, data:, garbage) as ''. */
    public static function safeUrl(string $url): string
    {
        $url = trim($url);
        $scheme = strtolower((string) parse_url($url, PHP_URL_SCHEME));
        return in_array($scheme, ['http', 'https'], true) && filter_var($url, FILTER_VALIDATE_URL) !== false ? $url : '';
    }
}
