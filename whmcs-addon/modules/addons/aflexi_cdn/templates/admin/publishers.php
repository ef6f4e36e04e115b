<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * Show Synchronized Publishers: search, filters, the total, one page of records with links to
 * the client and the service in WHMCS, paging and the CSV export of the whole filter. A
 * password is shown only in the answer to a POST of its Show button (with the CSRF token),
 * never on a GET.
 * @var array{username: string, set_at: string, password: string}|null $shown the password asked for
 * @var bool $unknown a password was asked for but none is stored
 * @var \WHMCS\Module\Addon\AflexiCdn\PublisherFilter $filter
 * @var array{total: int, page: int, pages: int, size: int, beyond: bool, rows: list<array<string, mixed>>} $list
 * @var list<string> $statuses
 * @var list<string> $packages
 */
use WHMCS\Module\Addon\AflexiCdn\PublisherFilter;

$n = static fn (int $v): string => number_format($v);
$here = $this->url('publishers', $filter->query());
$page = fn (int $p): string => $this->url('publishers', $filter->onPage($p)->query());
$option = fn (string $value, string $label, string $current): string => '<option value="' . $this->e($value) . '"'
    . ($value === $current ? ' selected="selected"' : '') . '>' . $this->e($label) . '</option>';
$sortable = function (string $key, string $label) use ($filter): string {
    $mark = $filter->sort === $key ? ($filter->descending ? ' &#9660;' : ' &#9650;') : '';
    return '<a class="aflexi-sort" data-sort="' . $this->e($key) . '" href="' . $this->e($this->url('publishers', $filter->sortQuery($key))) . '">'
        . $this->t($label) . '</a>' . $mark;
};
parse_str((string) parse_url($this->url('publishers'), PHP_URL_QUERY), $fixed);
?>
<h2><?= $this->t('nav_publishers') ?></h2>
<?php if ($shown !== null): ?>
<div class="alert alert-info"><?= sprintf($this->t('password_shown'), $this->username($shown['username']), $this->e($shown['set_at']), '<code class="aflexi-password">' . $this->e($shown['password']) . '</code>') ?></div>
<?php elseif ($unknown): ?>
<?= $this->render('alert', ['kind' => 'warning', 'message' => $this->text('password_unknown')]) ?>
<?php endif; ?>
<form method="get" action="<?= $this->e((string) parse_url($this->url('publishers'), PHP_URL_PATH)) ?>" class="form-inline aflexi-filter" id="aflexi-filter">
<?php foreach ($fixed as $key => $value): ?><input type="hidden" name="<?= $this->e($key) ?>" value="<?= $this->e($value) ?>" /><?php endforeach; ?>
<?php if ($filter->sort !== 'username' || $filter->descending): ?><input type="hidden" name="sort" value="<?= $this->e($filter->sort) ?>" /><input type="hidden" name="dir" value="<?= $filter->descending ? 'desc' : 'asc' ?>" /><?php endif; ?>
<label class="sr-only" for="aflexi-q"><?= $this->t('search_label') ?></label>
<input type="search" class="form-control input-sm" id="aflexi-q" name="q" size="36" value="<?= $this->e($filter->search) ?>" placeholder="<?= $this->t('search_placeholder') ?>" />
<select name="status" class="form-control input-sm"><?= $option('', $this->text('filter_status_any'), $filter->status) ?><?php foreach ($statuses as $s) { echo $option($s, $s, $filter->status); } ?></select>
<select name="package" class="form-control input-sm"><?= $option('', $this->text('filter_package_any'), $filter->package) ?><?php foreach ($packages as $p) { echo $option($p, $p, $filter->package); } ?></select>
<select name="error" class="form-control input-sm"><?php foreach (PublisherFilter::ERRORS as $e) { echo $option($e, $this->text('filter_error_' . ($e ?: 'any')), $filter->error); } ?></select>
<select name="size" class="form-control input-sm"><?php foreach (PublisherFilter::SIZES as $size) { echo $option((string) $size, sprintf($this->text('per_page'), $size), (string) $filter->size); } ?></select>
<button type="submit" class="btn btn-primary btn-sm"><?= $this->t('search') ?></button>
<a class="btn btn-default btn-sm" href="<?= $this->e($this->url('publishers')) ?>"><?= $this->t('reset') ?></a>
<a class="btn btn-default btn-sm" id="aflexi-export" href="<?= $this->e($this->url('export', $filter->query(['page' => '']))) ?>" title="<?= $this->e(sprintf($this->text('export_hint'), $n($list['total']))) ?>"><?= $this->t('export_csv') ?></a>
</form>
<?php if ($list['beyond']): ?>
<?= $this->render('alert', ['kind' => 'warning', 'message' => sprintf($this->text('page_beyond'), $n($filter->page), $n($list['pages']))]) ?>
<?php endif; ?>
<?php if ($list['total'] === 0): ?>
<?= $this->render('alert', ['kind' => 'info', 'message' => $this->text($filter->narrows() ? 'no_match' : 'no_publishers')]) ?>
<?php else: ?>
<?php $first = ($list['page'] - 1) * $list['size'] + 1; ?>
<p class="aflexi-count" data-total="<?= $this->e($list['total']) ?>"><?= $this->e(sprintf($this->text('showing'), $n($first), $n($first + count($list['rows']) - 1), $n($list['total']), $n($list['page']), $n($list['pages']))) ?></p>
<table class="table table-striped table-condensed aflexi-publishers">
<thead><tr><th><?= $sortable('username', 'col_username') ?></th><th><?= $sortable('client', 'col_client') ?></th><th><?= $sortable('service', 'col_service') ?></th><th><?= $sortable('package', 'col_package') ?></th><th><?= $sortable('status', 'col_status') ?></th><th><?= $sortable('last_sync', 'col_last_sync') ?></th><th><?= $this->t('col_password') ?></th><th><?= $this->t('col_error') ?></th></tr></thead>
<tbody>
<?php foreach ($list['rows'] as $p): ?>
<tr><td><?= $this->username($p['username']) ?></td><td><a href="clientssummary.php?userid=<?= $this->e($p['client_id']) ?>"><?= $this->e($p['client']) ?></a> (#<?= $this->e($p['client_id']) ?>)</td><td><a href="clientsservices.php?userid=<?= $this->e($p['client_id']) ?>&amp;id=<?= $this->e($p['service_id']) ?>">#<?= $this->e($p['service_id']) ?></a></td><td><?= $this->e($p['package']) ?></td><td><?= $this->e($p['status']) ?></td><td><?= $this->e($p['last_sync']) ?></td><td><?php if ($p['has_password']): ?><form method="post" action="<?= $this->e($here) ?>" style="display:inline"><?= $this->token() ?><input type="hidden" name="show" value="<?= $this->e($p['service_id']) ?>" /><button type="submit" class="btn btn-default btn-xs"><?= $this->t('show') ?></button></form><?php else: ?><span class="text-muted"><?= $this->t('password_unknown') ?></span><?php endif; ?></td><td><?= $this->e($p['error']) ?></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php if ($list['pages'] > 1): ?>
<ul class="pagination pagination-sm aflexi-pager">
<?php foreach ([['page_first', 1, $list['page'] > 1], ['page_prev', $list['page'] - 1, $list['page'] > 1], ['page_next', $list['page'] + 1, $list['page'] < $list['pages']], ['page_last', $list['pages'], $list['page'] < $list['pages']]] as [$label, $to, $enabled]): ?>
<?php if ($enabled): ?><li><a rel="<?= $this->e(str_replace('page_', '', $label)) ?>" href="<?= $this->e($page($to)) ?>"><?= $this->t($label) ?></a></li><?php else: ?><li class="disabled"><span><?= $this->t($label) ?></span></li><?php endif; ?>
<?php endforeach; ?>
</ul>
<?php endif; ?>
<?php endif; ?>
