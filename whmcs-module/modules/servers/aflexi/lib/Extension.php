<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * Whether the PHP extension `aflexi` is usable: loaded, and of the module's own version.
 * Every entry point asks this first, so that a missing extension gives the administrator a
 * message saying how to install it instead of a fatal "Class Aflexi\Client not found".
 */
final class Extension
{
    public const NAME = 'aflexi';

    /** What is wrong with the extension in this PHP, or null when it is usable. */
    public static function problem(): ?string
    {
        $loaded = extension_loaded(self::NAME);
        return self::diagnose($loaded, $loaded ? phpversion(self::NAME) : false, Version::VERSION);
    }

    /** Throws a ModuleError saying what is wrong with the extension, if anything. */
    public static function require(): void
    {
        $problem = self::problem();
        if ($problem !== null) {
            throw new ModuleError($problem);
        }
    }

    /**
     * The message for a given state (kept apart from problem() so that every case can be
     * tested in a PHP that has the extension).
     *
     * @param string|false $version what phpversion('aflexi') said
     */
    public static function diagnose(bool $loaded, string|false $version, string $wanted): ?string
    {
        $howTo = 'Install it on the WHMCS host with the install.sh of the Aflexi for WHMCS package '
            . '(as root: ./install.sh WHMCS_ROOT), restart PHP-FPM/Apache, then check that `php -m` lists '
            . 'aflexi and `php --ri aflexi` shows version ' . $wanted . '.';
        if (!$loaded) {
            return sprintf(
                'Aflexi CDN: the PHP extension "aflexi" is not loaded in this PHP (%s, %s), so the Aflexi API cannot be reached. %s',
                PHP_VERSION,
                PHP_SAPI,
                $howTo
            );
        }
        if ($version !== $wanted) {
            return sprintf(
                'Aflexi CDN: the PHP extension "aflexi" is version %s but this module is version %s; they must match. %s',
                $version === false || $version === '' ? '(unknown)' : $version,
                $wanted,
                $howTo
            );
        }
        return null;
    }
}
