<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * One run of the history: who and when, a notice (e.g. why a retry did not run), its report.
 * @var array<string, mixed> $run History::run()
 * @var string $notice
 * @var \WHMCS\Module\Addon\AflexiCdn\Html $report
 */
?>
<h2 class="aflexi-run" data-run="<?= $this->e($run['id']) ?>"><?= $this->e(sprintf($this->text('run_title'), $run['id'], $this->text('kind_' . $run['kind']), $run['who'], $run['started'])) ?></h2>
<?php if ($notice !== ''): ?><div class="alert alert-warning"><?= $this->e($notice) ?></div><?php endif; ?>
<?php if ($run['error'] !== ''): ?><div class="alert alert-danger"><?= $this->e(sprintf($this->text('run_error'), $run['error'])) ?></div><?php endif; ?>
<?= $this->e($report) ?>
