<?php
/**
 * Autoloader of the addon's classes, namespace WHMCS\Module\Addon\AflexiCdn\ → this folder
 * (WHMCS's module autoloading finds the same files; this keeps CLI tools and tests working).
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'WHMCS\\Module\\Addon\\AflexiCdn\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $relative = substr($class, strlen($prefix));
    if (preg_match('/^[A-Za-z0-9_]+$/', $relative) === 1 && is_file(__DIR__ . "/$relative.php")) {
        require_once __DIR__ . "/$relative.php";
    }
});
