<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * A finished run's report: counts, failures (client, service link, what to do, Retry),
 * changes, the cPanel CDN feature section. At most $limit rows per table; the rest is counted.
 * @var int $runId
 * @var int $limit
 * @var array<string, int> $counts
 * @var list<\stdClass> $failed rows of History::items
 * @var list<\stdClass> $changed rows of History::items
 * @var int $failed_total
 * @var int $changed_total
 * @var list<\stdClass> $cpanel rows of Cpanel::results()
 */
$serviceCell = function (\stdClass $item): string {
    if ($item->service_id > 0 && $item->client_id > 0) {
        return '<a href="' . $this->e(self::serviceUrl((int) $item->client_id, (int) $item->service_id)) . '">#' . $this->e($item->service_id) . '</a>';
    }
    return $this->e($item->item_key);
};
?>
<h2><?= $this->t('report_title') ?></h2>
<?= $this->render('counts', ['counts' => $counts]) ?>
<?php if ($failed !== []): ?>
<h3><?= $this->t('failed_title') ?></h3>
<form method="post" action="<?= $this->e($this->url('retry', ['run' => $runId])) ?>" class="aflexi-retry-all"><?= $this->token() ?>
<input type="hidden" name="service" value="0" /><button type="submit" class="btn btn-warning"><?= $this->t('retry_all') ?></button></form>
<?php if ($failed_total > count($failed)): ?><p class="text-muted"><?= $this->e(sprintf($this->text('report_more'), count($failed), $failed_total)) ?></p><?php endif; ?>
<table class="table table-striped table-condensed aflexi-failed">
<thead><tr><th><?= $this->t('col_service') ?></th><th><?= $this->t('col_client') ?></th><th><?= $this->t('col_username') ?></th><th><?= $this->t('col_what_to_do') ?></th><th><?= $this->t('col_reason') ?></th><th></th></tr></thead>
<tbody>
<?php foreach ($failed as $item): ?>
<tr><td><?= $serviceCell($item) ?></td><td><?= $this->e($item->client) ?></td><td><?= $this->username((string) $item->username) ?></td>
<td><?= $this->t('action_' . \WHMCS\Module\Addon\AflexiCdn\RunItems::action($item->kind)) ?></td><td><small><?= $this->e($item->error ?? '') ?></small></td>
<td><form method="post" action="<?= $this->e($this->url('retry', ['run' => $runId])) ?>"><?= $this->token() ?><input type="hidden" name="service" value="<?= $this->e($item->service_id) ?>" /><button type="submit" class="btn btn-default btn-xs"><?= $this->t('retry') ?></button></form></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php endif; ?>
<?php if ($changed !== []): ?>
<?php if ($changed_total > count($changed)): ?><p class="text-muted"><?= $this->e(sprintf($this->text('report_more'), count($changed), $changed_total)) ?></p><?php endif; ?>
<table class="table table-striped table-condensed aflexi-changed">
<thead><tr><th><?= $this->t('col_service') ?></th><th><?= $this->t('col_client') ?></th><th><?= $this->t('col_username') ?></th><th><?= $this->t('col_actions') ?></th></tr></thead>
<tbody>
<?php foreach ($changed as $item): ?>
<tr><td><?= $serviceCell($item) ?></td><td><?= $this->e($item->client) ?></td><td><?= $this->username((string) $item->username) ?></td><td><?= $this->e(str_replace(',', ', ', $item->actions)) ?></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php endif; ?>
<?php if ($cpanel !== []): ?>
<?= $this->render('cpanel', ['rows' => $cpanel]) ?>
<?php endif; ?>
<p><a class="btn btn-default" href="<?= $this->e($this->url('publishers')) ?>"><?= $this->t('nav_publishers') ?></a>
<a class="btn btn-default" href="<?= $this->e($this->url('runs')) ?>"><?= $this->t('nav_runs') ?></a></p>
