<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php /** The count of each kind of change (preview and report). @var array<string, int> $counts */ ?>
<table class="table table-striped table-condensed aflexi-counts" style="width:auto"><tbody>
<?php foreach (['create', 'reactivate', 'change_package', 'update_profile', 'suspend', 'unchanged', 'failed'] as $name): ?>
<tr><th><?= $this->t('count_' . $name) ?></th><td class="aflexi-count-<?= $this->e($name) ?>"><?= $this->e($counts[$name] ?? 0) ?></td></tr>
<?php endforeach; ?>
</tbody></table>
