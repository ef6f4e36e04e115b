<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * The operator's packages on Aflexi. A GET shows only the button: the packages are read by a
 * POST with the CSRF token, so a link or an image in another page cannot make API calls.
 * @var list<array<string, mixed>>|null $packages null until loaded
 * @var string $error why they could not be read ('' = none)
 */
?>
<h2><?= $this->t('packages_title') ?></h2>
<?php if ($packages === null && $error === ''): ?>
<form method="post" action="<?= $this->e($this->url('packages')) ?>"><?= $this->token() ?>
<input type="hidden" name="load" value="1" /><p><?= $this->t('packages_intro') ?></p>
<button type="submit" class="btn btn-default"><?= $this->t('packages_load') ?></button></form>
<?php elseif ($error !== ''): ?>
<?= $this->render('alert', ['kind' => 'danger', 'message' => $error]) ?>
<?php elseif ($packages === []): ?>
<?= $this->render('alert', ['kind' => 'info', 'message' => $this->text('no_packages')]) ?>
<?php else: ?>
<table class="table table-striped table-condensed">
<thead><tr><th><?= $this->t('col_id') ?></th><th><?= $this->t('col_package') ?></th><th><?= $this->t('col_bandwidth') ?></th></tr></thead>
<tbody>
<?php foreach ($packages as $p): ?>
<tr><td><?= $this->e((int) ($p['id'] ?? 0)) ?></td><td><?= $this->e($p['name'] ?? '') ?></td><td><?= $this->e($p['bandwidth_limit_gb'] ?? '') ?></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php endif; ?>
