<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php
/**
 * The report's "cPanel CDN feature" section: one row per cPanel server and package.
 * @var list<\stdClass> $rows (server, package, products, status, featurelist, error)
 */
$labels = ['already_on' => 'already on', 'enabled' => 'enabled', 'created' => 'enabled (own feature list created)', 'failed' => 'failed'];
?>
<h3>cPanel CDN feature</h3>
<table class="table table-striped table-condensed aflexi-cpanel">
<thead><tr><th>cPanel server</th><th>Package</th><th>Products</th><th>Feature "cdn"</th><th>Feature list</th><th>Reason</th></tr></thead>
<tbody>
<?php foreach ($rows as $r): ?>
<tr class="aflexi-cpanel-<?= $this->e($r->status) ?>"><td><?= $this->e($r->server) ?></td><td><?= $this->e($r->package) ?></td><td><?= $this->e($r->products) ?></td><td><?= $this->e($labels[(string) $r->status] ?? $r->status) ?></td><td><?= $this->e($r->featurelist ?? '') ?></td><td><?= $this->e($r->error ?? '') ?></td></tr>
<?php endforeach; ?>
</tbody>
</table>
