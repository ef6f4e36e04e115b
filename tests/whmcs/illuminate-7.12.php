<?php
/**
 * Loads illuminate/database 7.12, the version WHMCS 8.x bundles, from build/illuminate-7.12
 * (scripts/illuminate.sh puts it there): the four upstream packages as PSR-4 roots with their
 * other dependencies from Debian's packages, or a Composer vendor/ folder.
 *
 * The upstream v7.12.0 tag predates PHP 8.1 and 8.4, which report its ArrayAccess, Countable and
 * JsonSerializable methods ("Return type ... should be compatible") and its implicitly nullable
 * parameters as deprecated when a file loads. WHMCS ships a patched 7.12 for exactly that; this
 * loader silences deprecation notices while an Illuminate file loads, and nothing else.
 */

declare(strict_types=1);

(static function (): void {
    $dir = dirname(__DIR__, 2) . '/build/illuminate-7.12';
    if (!is_file("$dir/.complete")) {
        throw new RuntimeException("illuminate 7.12 is not prepared in $dir: run scripts/illuminate.sh");
    }

    $quietly = static function (string $file): mixed {
        set_error_handler(static fn (): bool => true, E_DEPRECATED);
        try {
            return require_once $file;
        } finally {
            restore_error_handler();
        }
    };

    if (is_file("$dir/vendor/autoload.php")) {
        $composer = $quietly("$dir/vendor/autoload.php"); // Composer's "files" load helpers.php
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

    spl_autoload_register(static function (string $class) use ($find, $quietly): void {
        if (str_starts_with($class, 'Illuminate\\') && ($file = $find($class)) !== null) {
            $quietly($file);
        }
    }, true, true);

    if (is_file("$dir/support/helpers.php")) {
        $quietly("$dir/support/helpers.php");
    }
})();
