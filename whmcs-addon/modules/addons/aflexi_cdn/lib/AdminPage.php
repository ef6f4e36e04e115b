<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\ClientName;
use WHMCS\Module\Server\Aflexi\Text;

/**
 * The admin pages of addonmodules.php?module=aflexi_cdn (https://developers.whmcs.com/addon-modules/admin-area-output/): the CDN products with Save
 * Settings → preview → stepped apply → report; Show Synchronized Publishers (a password is
 * shown on request: each POST of its Show button shows it again; nothing limits or audits the
 * views yet); the Aflexi packages (read from Aflexi on a POST only). Every POST is checked with
 * check_token('WHMCS.admin.default') before anything happens; a GET never calls the API;
 * every value is escaped at output.
 */
final class AdminPage
{
    private Settings $settings;
    /** @var array<string, string> */
    private array $lang;
    private string $link;

    public function __construct(array $vars)
    {
        $this->settings = Settings::fromVars($vars);
        $this->lang = is_array($vars['_lang'] ?? null) ? $vars['_lang'] : [];
        $this->link = (string) ($vars['modulelink'] ?? 'addonmodules.php?module=aflexi_cdn');
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
                $action === 'publishers' => $this->publishers($isPost && isset($post['show']) ? (int) self::input($post['show']) : 0),
                $action === 'packages' => $this->packages($isPost),
                default => $this->products(),
            };
        } catch (\Throwable $e) {
            $body = $this->alert('danger', 'Aflexi CDN: ' . get_class($e) . ': ' . $e->getMessage());
        }
        return '<div class="aflexi-cdn">' . $this->nav($action) . $body . '</div>';
    }

    public function sidebar(): string
    {
        $items = '';
        foreach (['' => 'nav_products', 'publishers' => 'nav_publishers', 'packages' => 'nav_packages'] as $action => $key) {
            $items .= '<li><a href="' . $this->e($this->url($action)) . '">' . $this->t($key) . '</a></li>';
        }
        return '<span class="header">' . $this->t('sidebar_title') . '</span><ul class="menu">' . $items . '</ul>';
    }

    /** The products table with the "CDN enabled" tick boxes. */
    private function products(string $before = ''): string
    {
        $products = Catalog::listable();
        $enabled = Catalog::enabled();
        $free = Catalog::free(array_map(static fn ($p): int => (int) $p->id, $products));
        $html = $before . '<p>' . $this->t('products_intro') . '</p>';
        $html .= $this->unfinishedRuns();
        if ($products === []) {
            return $html . $this->alert('info', $this->t('no_products'));
        }
        $rows = '';
        foreach ($products as $p) {
            $id = (int) $p->id;
            $rows .= '<tr><td>' . $this->e(Text::decoded($p->name)) . '</td><td>' . $this->e(Text::decoded($p->group_name ?? ''))
                . '</td><td>' . $this->e((string) $p->servertype) . '</td><td>' . (isset($free[$id]) ? 'Yes' : '')
                . '</td><td class="text-center"><input type="checkbox" name="products[]" value="' . $id . '"'
                . (isset($enabled[$id]) ? ' checked="checked"' : '') . ' aria-label="' . $this->e('CDN enabled: ' . Text::decoded($p->name)) . '" /></td></tr>';
        }
        return $html . '<form method="post" action="' . $this->e($this->url('save')) . '">' . $this->token()
            . '<table class="table table-striped table-condensed"><thead><tr><th>' . $this->t('col_product') . '</th><th>'
            . $this->t('col_group') . '</th><th>' . $this->t('col_module') . '</th><th>' . $this->t('col_free') . '</th><th class="text-center">'
            . $this->t('col_cdn') . '</th></tr></thead><tbody>' . $rows . '</tbody></table>'
            . '<button type="submit" class="btn btn-primary">' . $this->t('save') . '</button></form>';
    }

    /** Save Settings: store the tick boxes, then preview the plan with Apply. */
    private function save(array $post): string
    {
        $ids = array_map(static fn ($v): int => (int) self::input($v), is_array($post['products'] ?? null) ? $post['products'] : []);
        [$on] = Catalog::setEnabled($ids);
        $saved = $this->alert('success', sprintf($this->t('saved'), count(Catalog::enabled())));
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
                return $saved . $this->alert('danger', $result['error']);
            }
            foreach ($result['plan']['counts'] ?? [] as $name => $n) {
                $counts[$name] = ($counts[$name] ?? 0) + (int) $n;
            }
            $missing = array_merge($missing, $result['plan']['packages_missing'] ?? []);
            foreach ($result['plan']['entries'] ?? [] as $entry) {
                if (($entry['actions'] ?? []) !== [] || ($entry['error'] ?? null) !== null) {
                    if ($shown++ < 500) {
                        $entries[] = $entry;
                    }
                }
            }
        }
        $html = $saved . '<h2>' . $this->t('preview_title') . '</h2><p>' . $this->t('preview_intro') . '</p>';
        $html .= $this->countsTable($counts + ['failed' => ($counts['invalid'] ?? 0) + count($problems)]);
        if ($missing !== []) {
            $html .= '<p>Packages to create on Aflexi: ' . $this->e(implode(', ', array_unique($missing))) . '</p>';
        }
        if ($entries === [] && $problems === []) {
            $html .= $this->alert('info', $this->t('nothing_to_do'));
        } else {
            $rows = '';
            foreach ($entries as $entry) {
                $rows .= '<tr><td>' . $this->e(implode(', ', $entry['keys'] ?? [])) . '</td><td>' . $this->e($entry['username'] ?? '')
                    . '</td><td>' . $this->e(($entry['current_status'] ?? '') ?: '-') . '</td><td>' . $this->e(($entry['current_package'] ?? '') ?: '-')
                    . '</td><td>' . $this->e(implode(', ', $entry['actions'] ?? [])) . '</td><td>' . $this->e($entry['error'] ?? '') . '</td></tr>';
            }
            foreach ($problems as $key => $message) {
                $rows .= '<tr><td>' . $this->e($key) . '</td><td></td><td></td><td></td><td></td><td>' . $this->e($message) . '</td></tr>';
            }
            $html .= '<table class="table table-striped table-condensed"><thead><tr><th>' . $this->t('col_service') . '</th><th>'
                . $this->t('col_username') . '</th><th>' . $this->t('col_status') . '</th><th>' . $this->t('col_package') . '</th><th>'
                . $this->t('col_actions') . '</th><th>' . $this->t('col_error') . '</th></tr></thead><tbody>' . $rows . '</tbody></table>';
            if ($shown > 500) {
                $html .= '<p>… ' . ($shown - 500) . ' more.</p>';
            }
        }
        return $html . '<form method="post" action="' . $this->e($this->url('apply')) . '">' . $this->token()
            . '<button type="submit" class="btn btn-primary">' . $this->t('apply') . '</button> <a class="btn btn-default" href="'
            . $this->e($this->link) . '">' . $this->t('cancel') . '</a></form>';
    }

    /** Apply: start a run and do its first step. */
    private function apply(int $adminId): string
    {
        $runs = new Runs($this->settings);
        $runId = $runs->start($adminId);
        return $this->step($runId, true);
    }

    /** A step of a run (POST), or the run's state (GET, e.g. after the tab was closed). */
    private function step(int $runId, bool $work): string
    {
        $runs = new Runs($this->settings);
        if ($runs->find($runId) === null) {
            return $this->alert('warning', $this->t('run_missing'));
        }
        $state = $work ? $runs->step($runId) : null;
        $run = $runs->find($runId);
        $html = '<h2>' . $this->t('progress_title') . '</h2>';
        $total = max(1, (int) $run->total);
        $percent = $run->status === Runs::DONE ? 100 : min(99, (int) floor(100 * (int) $run->finished / $total));
        $html .= '<div class="progress"><div class="progress-bar' . ($run->status === Runs::DONE ? ' progress-bar-success' : ' progress-bar-striped active')
            . '" role="progressbar" aria-valuenow="' . $percent . '" aria-valuemin="0" aria-valuemax="100" style="width: ' . $percent . '%">'
            . $percent . '%</div></div>';
        $html .= '<p class="aflexi-progress">' . $this->e(sprintf($this->t('progress_text'), (int) $run->finished, (int) $run->total, (int) $run->steps)) . '</p>';
        if ($run->status !== Runs::DONE) {
            if ($run->error !== null && $run->error !== '') {
                $html .= $this->alert('danger', (string) $run->error);
            }
            if ($state === 'busy') {
                $html .= $this->alert('info', $this->t('run_busy'));
            }
            $auto = $run->error === null || $run->error === '';
            $html .= '<form method="post" id="aflexi-step" action="' . $this->e($this->url('step', ['run' => $runId])) . '">' . $this->token()
                . '<button type="submit" class="btn btn-primary">' . $this->t('continue') . '</button></form>';
            if ($auto) {
                $html .= '<p class="text-muted">' . $this->t('continuing') . '</p>'
                    . '<script>setTimeout(function () { document.getElementById("aflexi-step").submit(); }, '
                    . ($state === 'busy' ? 3000 : 200) . ');</script>';
            }
            return $html;
        }
        return $html . $this->report($runs->report($runId));
    }

    private function report(array $report): string
    {
        $html = '<h2>' . $this->t('report_title') . '</h2>' . $this->countsTable($report['counts']);
        if ($report['failed'] !== []) {
            $rows = '';
            foreach ($report['failed'] as $item) {
                $rows .= '<tr><td>' . $this->e($item->item_key) . '</td><td>' . $this->e($item->username) . '</td><td>' . $this->e($item->error ?? '') . '</td></tr>';
            }
            $html .= '<h3>' . $this->t('failed_title') . '</h3><table class="table table-striped table-condensed"><thead><tr><th>'
                . $this->t('col_service') . '</th><th>' . $this->t('col_username') . '</th><th>' . $this->t('col_reason')
                . '</th></tr></thead><tbody>' . $rows . '</tbody></table>';
        }
        if ($report['changed'] !== []) {
            $rows = '';
            foreach ($report['changed'] as $item) {
                $rows .= '<tr><td>' . $this->e($item->item_key) . '</td><td>' . $this->e($item->username) . '</td><td>' . $this->e(str_replace(',', ', ', $item->actions)) . '</td></tr>';
            }
            $html .= '<table class="table table-striped table-condensed"><thead><tr><th>' . $this->t('col_service') . '</th><th>'
                . $this->t('col_username') . '</th><th>' . $this->t('col_actions') . '</th></tr></thead><tbody>' . $rows . '</tbody></table>';
        }
        $html .= Cpanel::html($report['cpanel'] ?? []);
        return $html . '<p><a class="btn btn-default" href="' . $this->e($this->url('publishers')) . '">' . $this->t('nav_publishers') . '</a></p>';
    }

    /** @param array<string, int> $counts */
    private function countsTable(array $counts): string
    {
        $rows = '';
        foreach (['create', 'reactivate', 'change_package', 'update_profile', 'suspend', 'unchanged', 'failed'] as $name) {
            $rows .= '<tr><th>' . $this->t('count_' . $name) . '</th><td class="aflexi-count-' . $name . '">' . (int) ($counts[$name] ?? 0) . '</td></tr>';
        }
        return '<table class="table table-striped table-condensed aflexi-counts" style="width:auto"><tbody>' . $rows . '</tbody></table>';
    }

    /**
     * Show Synchronized Publishers; $show = a service whose password is shown in this answer
     * (a POST with the CSRF token). Each POST shows it again: it is not limited to one view.
     */
    private function publishers(int $show): string
    {
        $rows = Capsule::table(Schema::PUBLISHERS . ' as r')
            ->leftJoin('tblclients as c', 'c.id', '=', 'r.client_id')
            ->where('r.username', '!=', '')
            ->orderBy('r.username')->orderBy('r.service_id')
            ->select(['r.*', 'c.firstname', 'c.lastname', 'c.companyname', 'c.email'])
            ->limit(5000)->get();
        $html = '<h2>' . $this->t('nav_publishers') . '</h2>';
        if ($show > 0) {
            $record = (new Records())->find($show);
            if ($record !== null && $record->password !== null && $record->password !== '') {
                $html .= $this->alert('info', sprintf($this->t('password_shown'), $this->e($record->username), $this->e((string) $record->password_set_at),
                    '<code class="aflexi-password">' . $this->e((string) decrypt((string) $record->password)) . '</code>'), false);
            } else {
                $html .= $this->alert('warning', $this->t('password_unknown'));
            }
        }
        if ($rows->isEmpty()) {
            return $html . $this->alert('info', $this->t('no_publishers'));
        }
        $body = '';
        foreach ($rows as $r) {
            $client = ClientName::of($r->firstname, $r->lastname, $r->companyname, $r->email);
            $password = $r->password !== null && $r->password !== ''
                ? '<form method="post" action="' . $this->e($this->url('publishers')) . '" style="display:inline">' . $this->token()
                    . '<input type="hidden" name="show" value="' . (int) $r->service_id . '" /><button type="submit" class="btn btn-default btn-xs">'
                    . $this->t('show') . '</button></form>'
                : '<span class="text-muted">' . $this->t('password_unknown') . '</span>';
            $body .= '<tr><td>' . $this->e($r->username) . '</td><td>' . $this->e($client) . ' (#' . (int) $r->client_id . ')</td><td>#'
                . (int) $r->service_id . '</td><td>' . $this->e($r->package) . '</td><td>' . $this->e($r->status ?: '-') . '</td><td>'
                . $this->e((string) $r->last_sync) . '</td><td>' . $password . '</td><td>' . $this->e($r->last_error ?? '') . '</td></tr>';
        }
        return $html . '<table class="table table-striped table-condensed"><thead><tr><th>' . $this->t('col_username') . '</th><th>'
            . $this->t('col_client') . '</th><th>' . $this->t('col_service') . '</th><th>' . $this->t('col_package') . '</th><th>'
            . $this->t('col_status') . '</th><th>' . $this->t('col_last_sync') . '</th><th>' . $this->t('col_password') . '</th><th>'
            . $this->t('col_error') . '</th></tr></thead><tbody>' . $body . '</tbody></table>';
    }

    /**
     * The operator's packages, read from Aflexi on a POST only (with the CSRF token): a GET
     * shows the button, so a link or an image in another page cannot make API calls.
     */
    private function packages(bool $isPost): string
    {
        $html = '<h2>' . $this->t('packages_title') . '</h2>';
        if (!$isPost) {
            return $html . '<form method="post" action="' . $this->e($this->url('packages')) . '">' . $this->token()
                . '<input type="hidden" name="load" value="1" /><p>' . $this->t('packages_intro') . '</p>'
                . '<button type="submit" class="btn btn-default">' . $this->t('packages_load') . '</button></form>';
        }
        $result = (new Engine($this->settings))->packages();
        if ($result['error'] !== null) {
            return $html . $this->alert('danger', $result['error']);
        }
        if ($result['packages'] === []) {
            return $html . $this->alert('info', $this->t('no_packages'));
        }
        $rows = '';
        foreach ($result['packages'] as $p) {
            $rows .= '<tr><td>' . (int) ($p['id'] ?? 0) . '</td><td>' . $this->e($p['name'] ?? '') . '</td><td>' . $this->e($p['bandwidth_limit_gb'] ?? '') . '</td></tr>';
        }
        return $html . '<table class="table table-striped table-condensed"><thead><tr><th>' . $this->t('col_id') . '</th><th>'
            . $this->t('col_package') . '</th><th>' . $this->t('col_bandwidth') . '</th></tr></thead><tbody>' . $rows . '</tbody></table>';
    }

    private function unfinishedRuns(): string
    {
        $runs = (new Runs($this->settings))->unfinished();
        if ($runs === []) {
            return '';
        }
        $items = '';
        foreach ($runs as $run) {
            $items .= '<li>#' . (int) $run->id . ' (' . (int) $run->finished . '/' . (int) $run->total . ', ' . $this->e($run->created_at)
                . ') <a class="btn btn-default btn-xs" href="' . $this->e($this->url('step', ['run' => (int) $run->id])) . '">' . $this->t('resume') . '</a></li>';
        }
        return $this->alert('warning', $this->t('unfinished_runs') . '<ul>' . $items . '</ul>', false);
    }

    private function nav(string $action): string
    {
        $tabs = '';
        foreach (['' => 'nav_products', 'publishers' => 'nav_publishers', 'packages' => 'nav_packages'] as $a => $key) {
            $active = $a === $action || ($a === '' && !in_array($action, ['publishers', 'packages'], true));
            $tabs .= '<li' . ($active ? ' class="active"' : '') . '><a href="' . $this->e($this->url($a)) . '">' . $this->t($key) . '</a></li>';
        }
        return '<ul class="nav nav-tabs">' . $tabs . '</ul><br />';
    }

    private function url(string $action, array $query = []): string
    {
        $query = ($action === '' ? [] : ['action' => $action]) + $query;
        return $this->link . ($query === [] ? '' : '&' . http_build_query($query));
    }

    private function token(): string
    {
        return '<input type="hidden" name="token" value="' . $this->e(generate_token('plain')) . '" />';
    }

    /** A Bootstrap alert; $message is escaped unless it is HTML built here. */
    private function alert(string $kind, string $message, bool $escape = true): string
    {
        return '<div class="alert alert-' . $kind . '">' . ($escape ? $this->e($message) : $message) . '</div>';
    }

    /** A language string, escaped. */
    private function t(string $key): string
    {
        return $this->e($this->lang[$key] ?? $key);
    }

    private function e(mixed $value): string
    {
        return Text::e($value);
    }

    /** A request value as typed (WHMCS HTML-encodes input: docs/WHMCS-FIDELITY.md#e-mail, "Values stored HTML-encoded"). */
    private static function input(mixed $value): string
    {
        return is_scalar($value) ? htmlspecialchars_decode((string) $value, ENT_QUOTES) : '';
    }
}
