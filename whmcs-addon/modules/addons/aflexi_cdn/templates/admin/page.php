<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php /** The addon page: its tabs, then $body. @var list<array{action: string, label: string, active: bool}> $tabs */ ?>
<div class="aflexi-cdn"><ul class="nav nav-tabs">
<?php foreach ($tabs as $tab): ?>
<li<?= $tab['active'] ? ' class="active"' : '' ?>><a href="<?= $this->e($this->url($tab['action'])) ?>"><?= $this->t($tab['label']) ?></a></li>
<?php endforeach; ?>
</ul><br />
<?= $this->e($body) ?>
</div>
