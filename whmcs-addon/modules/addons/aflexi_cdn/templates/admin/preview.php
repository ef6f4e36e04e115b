<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * Save Settings' answer: what Apply will do, and the Apply button.
 * @var string $saved the "Settings saved" line
 * @var array<string, int> $counts
 * @var list<string> $missing packages to create on Aflexi
 * @var list<array<string, mixed>> $entries the plan's entries that change something or failed
 * @var array<string, string> $problems service key => why it cannot be planned
 * @var int $more entries left out of the table
 */
?>
<?= $this->render('alert', ['kind' => 'success', 'message' => $saved]) ?>
<h2><?= $this->t('preview_title') ?></h2><p><?= $this->t('preview_intro') ?></p>
<?= $this->render('counts', ['counts' => $counts]) ?>
<?php if ($missing !== []): ?>
<p>Packages to create on Aflexi: <?= $this->e(implode(', ', $missing)) ?></p>
<?php endif; ?>
<?php if ($entries === [] && $problems === []): ?>
<?= $this->render('alert', ['kind' => 'info', 'message' => $this->text('nothing_to_do')]) ?>
<?php else: ?>
<table class="table table-striped table-condensed">
<thead><tr><th><?= $this->t('col_service') ?></th><th><?= $this->t('col_username') ?></th><th><?= $this->t('col_status') ?></th><th><?= $this->t('col_package') ?></th><th><?= $this->t('col_actions') ?></th><th><?= $this->t('col_error') ?></th></tr></thead>
<tbody>
<?php foreach ($entries as $entry): ?>
<tr><td><?= $this->e(implode(', ', $entry['keys'] ?? [])) ?></td><td><?= $this->username($entry['username'] ?? '') ?></td><td><?= $this->e(($entry['current_status'] ?? '') ?: '-') ?></td><td><?= $this->e(($entry['current_package'] ?? '') ?: '-') ?></td><td><?= $this->e(implode(', ', $entry['actions'] ?? [])) ?></td><td><?= $this->e($entry['error'] ?? '') ?></td></tr>
<?php endforeach; ?>
<?php foreach ($problems as $key => $message): ?>
<tr><td><?= $this->e($key) ?></td><td></td><td></td><td></td><td></td><td><?= $this->e($message) ?></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php if ($more > 0): ?>
<p>… <?= $this->e($more) ?> more.</p>
<?php endif; ?>
<?php endif; ?>
<form method="post" action="<?= $this->e($this->url('apply')) ?>"><?= $this->token() ?>
<button type="submit" class="btn btn-primary"><?= $this->t('apply') ?></button> <a class="btn btn-default" href="<?= $this->e($this->url('')) ?>"><?= $this->t('cancel') ?></a></form>
