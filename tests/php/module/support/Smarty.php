<?php
/**
 * Renders the module's client-area templates with real Smarty 3 (the engine WHMCS 8 uses;
 * Debian package smarty3), so a test sees the HTML a client would get.
 */

declare(strict_types=1);

namespace AflexiModuleTests\Support;

final class Smarty
{
    public const CLASS_FILE = '/usr/share/php/smarty3/Smarty.class.php';

    /** @param array<string, mixed> $vars */
    public static function render(string $templateFile, array $vars): string
    {
        if (!is_file(self::CLASS_FILE)) {
            throw new \RuntimeException('Smarty 3 is not installed: apt-get install smarty3 (tests/php/module/run.sh does it)');
        }
        require_once self::CLASS_FILE;
        $smarty = new \Smarty();
        $smarty->setCompileDir(sys_get_temp_dir() . '/aflexi-smarty-' . getmypid());
        $smarty->setCacheDir(sys_get_temp_dir() . '/aflexi-smarty-' . getmypid());
        $smarty->assign($vars);
        // Smarty 3.1 predates PHP 8.2's deprecation of dynamic properties; WHMCS ships a
        // patched 3.1. Its deprecation notices are not the module's concern.
        $level = error_reporting(error_reporting() & ~E_DEPRECATED);
        try {
            return $smarty->fetch($templateFile);
        } finally {
            error_reporting($level);
        }
    }
}
