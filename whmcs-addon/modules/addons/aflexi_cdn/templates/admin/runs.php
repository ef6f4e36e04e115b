<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * The run history, newest first, and the retention rule.
 * @var list<array<string, mixed>> $runs History::runs()
 * @var int $keep History::KEEP
 */
?>
<h2><?= $this->t('runs_title') ?></h2>
<p class="text-muted"><?= $this->e(sprintf($this->text('runs_retention'), $keep)) ?>
<?php if ($runs !== []): $oldest = $runs[count($runs) - 1]; ?> <?= $this->e(sprintf($this->text('runs_oldest'), $oldest['id'], $oldest['started'])) ?><?php endif; ?></p>
<?php if ($runs === []): ?>
<p><?= $this->t('no_runs') ?></p>
<?php else: ?>
<table class="table table-striped table-condensed aflexi-runs">
<thead><tr><th><?= $this->t('col_run') ?></th><th><?= $this->t('col_kind') ?></th><th><?= $this->t('col_started') ?></th><th><?= $this->t('col_who') ?></th><th><?= $this->t('col_duration') ?></th><th><?= $this->t('col_counts') ?></th><th></th></tr></thead>
<tbody>
<?php foreach ($runs as $run): ?>
<tr<?= $run['counts']['failed'] > 0 || $run['error'] !== '' ? ' class="warning"' : '' ?>><td>#<?= $this->e($run['id']) ?></td><td><?= $this->t('kind_' . $run['kind']) ?></td><td><?= $this->e($run['started']) ?></td><td><?= $this->e($run['who']) ?></td>
<td><?= $run['seconds'] === null ? $this->t('running') : $this->e(sprintf($this->text('seconds'), $run['seconds'])) ?></td>
<td><?= $this->e($run['summary']) ?></td>
<td><a class="btn btn-default btn-xs" href="<?= $this->e($this->url('run', ['id' => $run['id']])) ?>"><?= $this->t('view_report') ?></a></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php endif; ?>
