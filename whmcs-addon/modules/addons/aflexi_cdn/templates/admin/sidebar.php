<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php /** The menu WHMCS shows beside the addon page. @var list<array{action: string, label: string}> $tabs */ ?>
<span class="header"><?= $this->t('sidebar_title') ?></span><ul class="menu">
<?php foreach ($tabs as $tab): ?>
<li><a href="<?= $this->e($this->url($tab['action'])) ?>"><?= $this->t($tab['label']) ?></a></li>
<?php endforeach; ?>
</ul>
