<?php
/**
 * The committed aflexi-php-ext/aflexi.stubs.php matches the extension: the same functions,
 * classes (with their parents), methods, and parameters (names, order, optionality, types).
 * The stubs are loaded in a separate `php -n` process, where the extension is not loaded,
 * and both sides are described through Reflection.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

final class StubsTest extends ExtensionTestCase
{
    private const STUBS = __DIR__ . '/../../../aflexi-php-ext/aflexi.stubs.php';

    /** PHP that prints the surface of everything declared in namespace Aflexi, as JSON. */
    private const DESCRIBE = <<<'PHP'
        function aflexi_describe_parameters(ReflectionFunctionAbstract $f): array {
            return array_map(fn (ReflectionParameter $p) => [
                'name' => $p->getName(),
                'optional' => $p->isOptional(),
                'type' => (string) $p->getType(),
            ], $f->getParameters());
        }
        function aflexi_describe(bool $internal): array {
            $surface = ['functions' => [], 'classes' => []];
            foreach (get_defined_functions()[$internal ? 'internal' : 'user'] as $name) {
                if (str_starts_with($name, 'aflexi\\')) {
                    $f = new ReflectionFunction($name);
                    $surface['functions'][$f->getName()] = [
                        'parameters' => aflexi_describe_parameters($f),
                        'return' => (string) $f->getReturnType(),
                    ];
                }
            }
            foreach (get_declared_classes() as $name) {
                $class = new ReflectionClass($name);
                if ($class->getNamespaceName() !== 'Aflexi' || $class->isInternal() !== $internal) {
                    continue;
                }
                $methods = [];
                foreach ($class->getMethods() as $m) {
                    if ($m->getDeclaringClass()->getName() === $class->getName()) {
                        $methods[$m->getName()] = aflexi_describe_parameters($m);
                    }
                }
                ksort($methods);
                $surface['classes'][$class->getName()] = [
                    'parent' => $class->getParentClass() ? $class->getParentClass()->getName() : null,
                    'methods' => $methods,
                ];
            }
            ksort($surface['functions']);
            ksort($surface['classes']);
            return $surface;
        }
        PHP;

    public function testTheStubsDescribeExactlyTheExtensionsSurface(): void
    {
        self::assertFileExists(self::STUBS);
        $script = '<?php ' . self::DESCRIBE . ' require ' . var_export(realpath(self::STUBS), true) . ';'
            . ' echo json_encode(aflexi_describe(false));';
        $file = tempnam(sys_get_temp_dir(), 'aflexi-stubs-');
        file_put_contents($file, $script);
        $json = shell_exec(escapeshellarg(PHP_BINARY) . ' -n ' . escapeshellarg($file) . ' 2>&1');
        unlink($file);
        $fromStubs = json_decode((string) $json, true);
        self::assertIsArray($fromStubs, "the stubs did not load: $json");

        if (!function_exists('aflexi_describe')) {
            eval(self::DESCRIBE);
        }
        $fromExtension = aflexi_describe(true);

        self::assertNotEmpty($fromExtension['functions']);
        self::assertSame($fromExtension, $fromStubs);
    }
}
