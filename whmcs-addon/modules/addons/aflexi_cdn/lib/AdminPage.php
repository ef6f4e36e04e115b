<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Module\Server\Aflexi\Text;

/**
 * The admin pages of addonmodules.php?module=aflexi_cdn (https://developers.whmcs.com/addon-modules/admin-area-output/): the CDN products with Save
 * Settings → preview → stepped apply → report; Show Synchronized Publishers (search, filters,
 * sort and paging in PublisherFilter/PublisherList, the CSV export in PublisherExport; a password is
 * shown on request to the roles the settings allow, each view in the Activity Log: PasswordView);
 * the run history with each run's report and Retry (History, Retry); the Aflexi packages (read from
 * Aflexi on a POST only). Every POST is checked with
 * check_token('WHMCS.admin.default') before anything happens; a GET never calls the API.
 * This class picks the data and the template; the HTML lives in templates/admin/ (View), which
 * escapes every value once.
 */
final class AdminPage
{
    /** The page's tabs (and the sidebar's menu): action => language key. */
    private const TABS = ['' => 'nav_products', 'publishers' => 'nav_publishers', 'runs' => 'nav_runs', 'packages' => 'nav_packages'];
    /** Rows of the preview's table at most; the rest is counted. */
    private const PREVIEW_ROWS = 500;

    private Settings $settings;
    private View $view;

    public function __construct(array $vars)
    {
        $this->settings = Settings::fromVars($vars);
        $this->view = new View(
            is_array($vars['_lang'] ?? null) ? $vars['_lang'] : [],
            (string) ($vars['modulelink'] ?? 'addonmodules.php?module=aflexi_cdn'),
        );
        Schema::ensure();
    }

    /** The page for this request. */
    public function handle(array $get, array $post, int $adminId): string
    {
        $action = self::input($get['action'] ?? '');
        $isPost = $post !== [];
        if ($isPost) {
            check_token('WHMCS.admin.default');
        }
        try {
            $body = match (true) {
                $action === 'save' && $isPost => $this->save($post),
                $action === 'apply' && $isPost => $this->apply($adminId),
                $action === 'step' => $this->step((int) self::input($get['run'] ?? '0'), $isPost),
                $action === 'publishers' => $this->publishers($get, $isPost && isset($post['show']) ? (int) self::input($post['show']) : 0, $adminId),
                $action === 'runs' => $this->runs(),
                $action === 'run' => $this->run((int) self::input($get['id'] ?? '0')),
                $action === 'retry' && $isPost => $this->retry((int) self::input($get['run'] ?? '0'), (int) self::input($post['service'] ?? '0'), $adminId),
                $action === 'packages' => $this->packages($isPost),
                default => $this->products(),
            };
        } catch (\Throwable $e) {
            $body = $this->alert('danger', 'Aflexi CDN: ' . get_class($e) . ': ' . $e->getMessage());
        }
        $tabs = [];
        foreach (self::TABS as $tab => $label) {
            $active = $tab === $action || ($tab === '' && !isset(self::TABS[$action]));
            $tabs[] = ['action' => $tab, 'label' => $label, 'active' => $active];
        }
        return (string) $this->view->render('page', ['tabs' => $tabs, 'body' => $body]);
    }

    public function sidebar(): string
    {
        $tabs = [];
        foreach (self::TABS as $tab => $label) {
            $tabs[] = ['action' => $tab, 'label' => $label];
        }
        return (string) $this->view->render('sidebar', ['tabs' => $tabs]);
    }

    /** The products table with the "CDN enabled" tick boxes. */
    private function products(): Html
    {
        $products = Catalog::listable();
        $enabled = Catalog::enabled();
        $free = Catalog::free(array_map(static fn ($p): int => (int) $p->id, $products));
        $rows = [];
        foreach ($products as $p) {
            $id = (int) $p->id;
            $rows[] = [
                'id' => $id,
                'name' => Text::decoded($p->name),
                'group' => Text::decoded($p->group_name ?? ''),
                'module' => (string) $p->servertype,
                'free' => isset($free[$id]),
                'enabled' => isset($enabled[$id]),
            ];
        }
        $unfinished = (new Runs($this->settings))->unfinished();
        return $this->view->render('products', [
            'products' => $rows,
            'unfinished' => $unfinished['runs'],
            'unfinishedMore' => $unfinished['total'] - count($unfinished['runs']),
        ]);
    }

    /** Save Settings: store the tick boxes, then preview the plan with Apply. */
    private function save(array $post): Html
    {
        $ids = array_map(static fn ($v): int => (int) self::input($v), is_array($post['products'] ?? null) ? $post['products'] : []);
        Catalog::setEnabled($ids);
        $saved = sprintf($this->view->text('saved'), count(Catalog::enabled()));
        $engine = new Engine($this->settings);
        $counts = [];
        $entries = [];
        $missing = [];
        $problems = [];
        $shown = 0;
        foreach ((new Desired())->all() as $set) {
            $problems += $set->problems;
            $result = $engine->plan($set);
            if ($result['error'] !== null) {
                return $this->alerts([['success', $saved], ['danger', $result['error']]]);
            }
            foreach ($result['plan']['counts'] ?? [] as $name => $n) {
                $counts[$name] = ($counts[$name] ?? 0) + (int) $n;
            }
            $missing = array_merge($missing, $result['plan']['packages_missing'] ?? []);
            foreach ($result['plan']['entries'] ?? [] as $entry) {
                if (($entry['actions'] ?? []) !== [] || ($entry['error'] ?? null) !== null) {
                    if ($shown++ < self::PREVIEW_ROWS) {
                        $entries[] = $entry;
                    }
                }
            }
        }
        return $this->view->render('preview', [
            'saved' => $saved,
            'counts' => $counts + ['failed' => ($counts['invalid'] ?? 0) + count($problems)],
            'missing' => array_values(array_unique($missing)),
            'entries' => $entries,
            'problems' => $problems,
            'more' => max(0, $shown - self::PREVIEW_ROWS),
        ]);
    }

    /** Apply: start a run and do its first step. */
    private function apply(int $adminId): Html
    {
        $runs = new Runs($this->settings);
        $runId = $runs->start($adminId);
        return $this->step($runId, true);
    }

    /** A step of a run (POST), or the run's state (GET, e.g. after the tab was closed). */
    private function step(int $runId, bool $work): Html
    {
        $runs = new Runs($this->settings);
        if ($runs->find($runId) === null) {
            return $this->alert('warning', $this->view->text('run_missing'));
        }
        $state = $work ? $runs->step($runId) : null;
        $run = $runs->find($runId);
        $done = $run->status === Runs::DONE;
        $total = max(1, (int) $run->total);
        return $this->view->render('progress', [
            'done' => $done,
            'percent' => $done ? 100 : min(99, (int) floor(100 * (int) $run->finished / $total)),
            'text' => sprintf($this->view->text('progress_text'), (int) $run->finished, (int) $run->total, (int) $run->steps),
            'error' => (string) $run->error,
            'busy' => $state === 'busy',
            'runId' => $runId,
            'delayMs' => $state === 'busy' ? 3000 : 200,
            'report' => $done ? $this->report($runId, $runs->report($runId)) : null,
        ]);
    }

    private function report(int $runId, array $report): Html
    {
        return $this->view->render('report', ['runId' => $runId, 'limit' => History::REPORT_ROWS] + $report);
    }

    /** The run history: every kept run, newest first, and the retention rule. */
    private function runs(): Html
    {
        return $this->view->render('runs', ['runs' => History::runs(), 'keep' => History::KEEP]);
    }

    /** One run of the history and its report. */
    private function run(int $runId, string $notice = ''): Html
    {
        $run = History::run($runId);
        if ($run === null) {
            return $this->alert('warning', $this->view->text('run_gone'));
        }
        return $this->view->render('run', [
            'run' => $run,
            'notice' => $notice,
            'report' => $this->report($runId, (new Runs($this->settings))->report($runId)),
        ]);
    }

    /** Retry (POST): the failed rows of a run, one ($service) or all (0); shows the new run. */
    private function retry(int $runId, int $service, int $adminId): Html
    {
        $result = (new Retry($this->settings))->run($runId, $service, $adminId);
        if ($result['run'] === null) {
            return $this->run($runId, $this->view->text($result['error'] === 'busy' ? 'retry_busy' : 'retry_nothing'));
        }
        return $this->run($result['run']);
    }

    /**
     * Show Synchronized Publishers: one page of the records the request's search, filters and
     * sort select (PublisherFilter, PublisherList); $show = a service whose password is shown in
     * this answer (a POST with the CSRF token) to an admin of the allowed roles, each view audited
     * (PasswordView).
     */
    private function publishers(array $get, int $show, int $adminId): Html
    {
        $filter = PublisherFilter::fromInput(array_map([self::class, 'input'], $get));
        $view = $show > 0 ? (new PasswordView($this->settings))->show($show, $adminId) : ['shown' => null, 'refused' => false];
        $shown = $view['shown'];
        $page = $this->view->render('publishers', [
            'shown' => $shown,
            'unknown' => $show > 0 && $shown === null && !$view['refused'],
            'filter' => $filter,
            'list' => PublisherList::page($filter),
            'statuses' => PublisherList::statuses(),
            'packages' => PublisherList::packages(),
        ]);
        return $view['refused'] ? new Html($this->alert('danger', $this->view->text('password_refused')) . $page) : $page;
    }

    /** The CSV export of the request's filter (PublisherExport): sent as a download, the request ends. */
    public function export(array $get): never
    {
        PublisherExport::download(PublisherFilter::fromInput(array_map([self::class, 'input'], $get)));
    }

    /**
     * The operator's packages, read from Aflexi on a POST only (with the CSRF token): a GET
     * shows the button, so a link or an image in another page cannot make API calls.
     */
    private function packages(bool $isPost): Html
    {
        $result = $isPost ? (new Engine($this->settings))->packages() : ['packages' => null, 'error' => null];
        return $this->view->render('packages', [
            'packages' => $result['error'] === null ? $result['packages'] : null,
            'error' => (string) $result['error'],
        ]);
    }

    /** A Bootstrap alert with $message (text) escaped. */
    private function alert(string $kind, string $message): Html
    {
        return $this->view->render('alert', ['kind' => $kind, 'message' => $message]);
    }

    /** @param list<array{0: string, 1: string}> $alerts [kind, message] pairs, one alert each */
    private function alerts(array $alerts): Html
    {
        return new Html(implode('', array_map(fn (array $a): string => (string) $this->alert($a[0], $a[1]), $alerts)));
    }

    /** A request value as typed (WHMCS HTML-encodes input: docs/WHMCS-FIDELITY.md#e-mail, "Values stored HTML-encoded"). */
    private static function input(mixed $value): string
    {
        return is_scalar($value) ? htmlspecialchars_decode((string) $value, ENT_QUOTES) : '';
    }
}
