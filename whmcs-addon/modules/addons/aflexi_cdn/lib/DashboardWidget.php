<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;

/**
 * The addon's widget on the WHMCS admin home (the AdminHomeWidgets hook of hooks.php,
 * https://developers.whmcs.com/addon-modules/admin-dashboard-widgets): publishers by status,
 * the last run with its failures, a link to the addon. Cheap: no API call, two queries on the
 * addon's own tables (a count per status, the newest run and its failed rows), and WHMCS
 * caches getData()'s result for CACHE_SECONDS ($cache, AbstractWidget), so a busy admin home
 * runs them at most once in that time. This file is loaded only when the hook runs (the
 * autoloader), where WHMCS has \WHMCS\Module\AbstractWidget.
 */
final class DashboardWidget extends \WHMCS\Module\AbstractWidget
{
    /** How long WHMCS reuses the counts (seconds). */
    public const CACHE_SECONDS = 300;

    protected $title = 'Aflexi CDN';
    protected $description = 'Aflexi CDN publishers by status and the last synchronization run';
    protected $weight = 150;
    protected $columns = 1;
    protected $cache = true;
    protected $cacheExpiry = self::CACHE_SECONDS;
    protected $requiredPermission = '';

    /** @return array{statuses: array<string, int>, last: ?array<string, mixed>, link: string} */
    public function getData()
    {
        Schema::ensure();
        $statuses = [];
        foreach (Capsule::table(Schema::PUBLISHERS)->where('username', '!=', '')->select('status')
            ->selectRaw('count(*) as n')->groupBy('status')->orderBy('status')->get() as $row) {
            $statuses[(string) $row->status ?: '-'] = (int) $row->n;
        }
        $lastId = (int) Capsule::table(Schema::RUNS)->max('id');
        return [
            'statuses' => $statuses,
            'last' => $lastId > 0 ? History::run($lastId) : null,
            'link' => 'addonmodules.php?module=' . Settings::MODULE,
        ];
    }

    public function generateOutput($data)
    {
        $view = new View(self::language(), (string) $data['link']);
        return (string) $view->render('widget', $data);
    }

    /** The addon's strings ($_ADDONLANG of lang/english.php: the dashboard has no addon $vars). */
    private static function language(): array
    {
        $_ADDONLANG = [];
        include __DIR__ . '/../lang/english.php';
        return $_ADDONLANG;
    }
}
