<?php
/**
 * Loads illuminate/database 7.12, the version WHMCS 8.x bundles, from build/illuminate-7.12
 * (scripts/illuminate.sh puts it there): the four upstream packages as PSR-4 roots with their
 * other dependencies from Debian's packages, or a Composer vendor/ folder.
 *
 * The upstream v7.12.0 tag predates PHP 8.1, which reports its ArrayAccess, Countable and
 * JsonSerializable methods as "Deprecated: Return type ... should be compatible" when a class
 * file loads. WHMCS ships a fork tagged v7.12.0-php72-php81-compat for exactly that; this
 * loader silences deprecation notices while an Illuminate class file loads, and nothing else.
 */

declare(strict_types=1);

(static function (): void {
    $dir = dirname(__DIR__, 2) . '/build/illuminate-7.12';
    if (!is_file("$dir/.complete")) {
        throw new RuntimeException("illuminate 7.12 is not prepared in $dir: run scripts/illuminate.sh");
    }

    if (is_file("$dir/vendor/autoload.php")) {
        $composer = require "$dir/vendor/autoload.php";
        $find = static fn (string $class): ?string => $composer->findFile($class) ?: null;
    } else {
        foreach (['Psr/Container', 'Carbon', 'Doctrine/Inflector', 'voku/helper'] as $debian) {
            require_once "/usr/share/php/$debian/autoload.php";
        }
        $roots = [
            'Illuminate\\Database\\' => 'database',
            'Illuminate\\Support\\' => 'support',
            'Illuminate\\Container\\' => 'container',
            'Illuminate\\Contracts\\' => 'contracts',
        ];
        $find = static function (string $class) use ($dir, $roots): ?string {
            foreach ($roots as $prefix => $root) {
                if (str_starts_with($class, $prefix)) {
                    $file = "$dir/$root/" . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
                    return is_file($file) ? $file : null;
                }
            }
            return null;
        };
    }

    spl_autoload_register(static function (string $class) use ($find): void {
        if (!str_starts_with($class, 'Illuminate\\') || ($file = $find($class)) === null) {
            return;
        }
        set_error_handler(static fn (): bool => true, E_DEPRECATED);
        try {
            require $file;
        } finally {
            restore_error_handler();
        }
    }, true, true);

    if (is_file("$dir/support/helpers.php")) {
        require_once "$dir/support/helpers.php";
    }
})();
