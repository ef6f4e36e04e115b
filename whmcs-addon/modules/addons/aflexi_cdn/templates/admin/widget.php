<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * The admin home widget (DashboardWidget): publishers by status, the last run, a link.
 * @var array<string, int> $statuses
 * @var ?array<string, mixed> $last History::run()
 */
?>
<div class="widget-content-padded aflexi-widget">
<strong><?= $this->t('widget_publishers') ?></strong>
<?php if ($statuses === []): ?>
<p><?= $this->t('no_publishers') ?></p>
<?php else: ?>
<table class="table table-condensed"><tbody>
<?php foreach ($statuses as $status => $n): ?>
<tr><td><?= $this->e($status) ?></td><td class="aflexi-status-<?= $this->e(strtolower((string) $status)) ?>"><?= $this->e($n) ?></td></tr>
<?php endforeach; ?>
</tbody></table>
<?php endif; ?>
<?php if ($last !== null): ?>
<p><strong><?= $this->t('widget_last_run') ?></strong>:
<a href="<?= $this->e($this->url('run', ['id' => $last['id']])) ?>">#<?= $this->e($last['id']) ?></a>
<?= $this->t('kind_' . $last['kind']) ?>, <?= $this->e($last['who']) ?>, <?= $this->e($last['started']) ?>
<?php if ($last['counts']['failed'] > 0): ?><span class="label label-danger aflexi-widget-failed"><?= $this->e(sprintf($this->text('widget_failed'), $last['counts']['failed'])) ?></span><?php endif; ?></p>
<?php endif; ?>
<p><a class="btn btn-default btn-sm" href="<?= $this->e($this->url('')) ?>"><?= $this->t('widget_open') ?></a></p>
</div>
