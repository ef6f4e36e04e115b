<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php /** A Bootstrap alert; $kind: success, info, warning or danger; $message: text or Html. */ ?>
<div class="alert alert-<?= $this->e($kind) ?>"><?= $this->e($message) ?></div>
