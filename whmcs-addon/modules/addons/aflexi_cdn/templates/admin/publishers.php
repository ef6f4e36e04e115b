<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * Show Synchronized Publishers. A password is shown only in the answer to a POST of its Show
 * button (with the CSRF token), never on a GET.
 * @var array{username: string, set_at: string, password: string}|null $shown the password asked for
 * @var bool $unknown a password was asked for but none is stored
 * @var list<array<string, mixed>> $publishers
 */
?>
<h2><?= $this->t('nav_publishers') ?></h2>
<?php if ($shown !== null): ?>
<div class="alert alert-info"><?= sprintf($this->t('password_shown'), $this->e($shown['username']), $this->e($shown['set_at']), '<code class="aflexi-password">' . $this->e($shown['password']) . '</code>') ?></div>
<?php elseif ($unknown): ?>
<?= $this->render('alert', ['kind' => 'warning', 'message' => $this->text('password_unknown')]) ?>
<?php endif; ?>
<?php if ($publishers === []): ?>
<?= $this->render('alert', ['kind' => 'info', 'message' => $this->text('no_publishers')]) ?>
<?php else: ?>
<table class="table table-striped table-condensed">
<thead><tr><th><?= $this->t('col_username') ?></th><th><?= $this->t('col_client') ?></th><th><?= $this->t('col_service') ?></th><th><?= $this->t('col_package') ?></th><th><?= $this->t('col_status') ?></th><th><?= $this->t('col_last_sync') ?></th><th><?= $this->t('col_password') ?></th><th><?= $this->t('col_error') ?></th></tr></thead>
<tbody>
<?php foreach ($publishers as $p): ?>
<tr><td><?= $this->e($p['username']) ?></td><td><?= $this->e($p['client']) ?> (#<?= $this->e($p['client_id']) ?>)</td><td>#<?= $this->e($p['service_id']) ?></td><td><?= $this->e($p['package']) ?></td><td><?= $this->e($p['status']) ?></td><td><?= $this->e($p['last_sync']) ?></td><td><?php if ($p['has_password']): ?><form method="post" action="<?= $this->e($this->url('publishers')) ?>" style="display:inline"><?= $this->token() ?><input type="hidden" name="show" value="<?= $this->e($p['service_id']) ?>" /><button type="submit" class="btn btn-default btn-xs"><?= $this->t('show') ?></button></form><?php else: ?><span class="text-muted"><?= $this->t('password_unknown') ?></span><?php endif; ?></td><td><?= $this->e($p['error']) ?></td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php endif; ?>
