<?php defined('WHMCS') || exit; // rendered by View only, never requested directly ?>
<?php /** The CSRF field of a POST form (View::token). */ ?>
<input type="hidden" name="token" value="<?= $this->e($token) ?>" />
