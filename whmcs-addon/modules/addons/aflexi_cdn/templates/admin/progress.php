<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * A run's progress bar; while it is not done, the Continue form, which the page submits by
 * itself after $delayMs unless the last step failed. Once done: the report ($report).
 * @var int $percent
 * @var bool $done
 * @var string $text "n of m services finished after k step(s)"
 * @var string $error the last step's error ('' = none)
 * @var bool $busy another request holds the run
 * @var int $runId
 * @var int $delayMs
 * @var Html|null $report
 */
?>
<h2><?= $this->t('progress_title') ?></h2>
<div class="progress"><div class="progress-bar<?= $done ? ' progress-bar-success' : ' progress-bar-striped active' ?>" role="progressbar" aria-valuenow="<?= $this->e($percent) ?>" aria-valuemin="0" aria-valuemax="100" style="width: <?= $this->e($percent) ?>%"><?= $this->e($percent) ?>%</div></div>
<p class="aflexi-progress"><?= $this->e($text) ?></p>
<?php if (!$done): ?>
<?php if ($error !== ''): ?>
<?= $this->render('alert', ['kind' => 'danger', 'message' => $error]) ?>
<?php endif; ?>
<?php if ($busy): ?>
<?= $this->render('alert', ['kind' => 'info', 'message' => $this->text('run_busy')]) ?>
<?php endif; ?>
<form method="post" id="aflexi-step" action="<?= $this->e($this->url('step', ['run' => $runId])) ?>"><?= $this->token() ?>
<button type="submit" class="btn btn-primary"><?= $this->t('continue') ?></button></form>
<?php if ($error === ''): ?>
<p class="text-muted"><?= $this->t('continuing') ?></p>
<script>setTimeout(function () { document.getElementById("aflexi-step").submit(); }, <?= $this->e($delayMs) ?>);</script>
<?php endif; ?>
<?php else: ?>
<?= $this->e($report) ?>
<?php endif; ?>
