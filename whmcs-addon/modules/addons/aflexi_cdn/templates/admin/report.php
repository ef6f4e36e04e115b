<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * A finished run's report: counts, failures, changes, the cPanel CDN feature section.
 * @var array<string, int> $counts
 * @var list<\stdClass> $failed items (item_key, username, error)
 * @var list<\stdClass> $changed items (item_key, username, actions)
 * @var list<\stdClass> $cpanel rows of Cpanel::results()
 */
?>
<h2><?= $this->t('report_title') ?></h2>
<?= $this->render('counts', ['counts' => $counts]) ?>
<?php if ($failed !== []): ?>
<h3><?= $this->t('failed_title') ?></h3>
<table class="table table-striped table-condensed">
<thead><tr><th><?= $this->t('col_service') ?></th><th><?= $this->t('col_username') ?></th><th><?= $this->t('col_reason') ?></th></tr></thead>
<tbody>
<?php foreach ($failed as $item): ?>
<tr><td><?= $this->e($item->item_key) ?></td><td><?= $this->e($item->username) ?></td><td><?= $this->e($item->error ?? '') ?></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php endif; ?>
<?php if ($changed !== []): ?>
<table class="table table-striped table-condensed">
<thead><tr><th><?= $this->t('col_service') ?></th><th><?= $this->t('col_username') ?></th><th><?= $this->t('col_actions') ?></th></tr></thead>
<tbody>
<?php foreach ($changed as $item): ?>
<tr><td><?= $this->e($item->item_key) ?></td><td><?= $this->e($item->username) ?></td><td><?= $this->e(str_replace(',', ', ', $item->actions)) ?></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php endif; ?>
<?php if ($cpanel !== []): ?>
<?= $this->render('cpanel', ['rows' => $cpanel]) ?>
<?php endif; ?>
<p><a class="btn btn-default" href="<?= $this->e($this->url('publishers')) ?>"><?= $this->t('nav_publishers') ?></a></p>
