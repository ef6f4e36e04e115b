<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * The CDN products with their "CDN enabled" tick boxes (the form posts to Save Settings).
 * @var list<\stdClass> $unfinished the newest unfinished runs (id, finished, total, created_at)
 * @var int $unfinishedMore the unfinished runs not listed here (the Run History has them)
 * @var list<array{id: int, name: string, group: string, module: string, free: bool, enabled: bool}> $products
 */
?>
<p><?= $this->t('products_intro') ?></p>
<?php if ($unfinished !== []): ?>
<div class="alert alert-warning"><?= $this->t('unfinished_runs') ?><ul>
<?php foreach ($unfinished as $run): ?>
<li>#<?= $this->e($run->id) ?> (<?= $this->e($run->finished) ?>/<?= $this->e($run->total) ?>, <?= $this->e($run->created_at) ?>) <a class="btn btn-default btn-xs" href="<?= $this->e($this->url('step', ['run' => $run->id])) ?>"><?= $this->t('resume') ?></a></li>
<?php endforeach; ?>
<?php if ($unfinishedMore > 0): ?>
<li><a href="<?= $this->e($this->url('runs')) ?>"><?= $this->e(sprintf($this->text('unfinished_more'), $unfinishedMore)) ?></a></li>
<?php endif; ?>
</ul></div>
<?php endif; ?>
<?php if ($products === []): ?>
<?= $this->render('alert', ['kind' => 'info', 'message' => $this->text('no_products')]) ?>
<?php else: ?>
<form method="post" action="<?= $this->e($this->url('save')) ?>"><?= $this->token() ?>
<table class="table table-striped table-condensed">
<thead><tr><th><?= $this->t('col_product') ?></th><th><?= $this->t('col_group') ?></th><th><?= $this->t('col_module') ?></th><th><?= $this->t('col_free') ?></th><th class="text-center"><?= $this->t('col_cdn') ?></th></tr></thead>
<tbody>
<?php foreach ($products as $p): ?>
<tr><td><?= $this->e($p['name']) ?></td><td><?= $this->e($p['group']) ?></td><td><?= $this->e($p['module']) ?></td><td><?= $p['free'] ? 'Yes' : '' ?></td><td class="text-center"><input type="checkbox" name="products[]" value="<?= $this->e($p['id']) ?>"<?= $p['enabled'] ? ' checked="checked"' : '' ?> aria-label="<?= $this->e('CDN enabled: ' . $p['name']) ?>" /></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<button type="submit" class="btn btn-primary"><?= $this->t('save') ?></button></form>
<?php endif; ?>
