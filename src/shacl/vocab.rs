//! The SHACL vocabulary terms the validator reads and writes.

use oxigraph::model::NamedNodeRef;

/// The SHACL namespace.
pub const NAMESPACE: &str = "http://www.w3.org/ns/shacl#";

macro_rules! terms {
    ($($name:ident = $local:literal;)*) => {
        $(
            #[doc = concat!("`sh:", $local, "`")]
            pub const $name: NamedNodeRef<'static> =
                NamedNodeRef::new_unchecked(concat!("http://www.w3.org/ns/shacl#", $local));
        )*
    };
}

terms! {
    NODE_SHAPE = "NodeShape";
    PROPERTY_SHAPE = "PropertyShape";
    TARGET_CLASS = "targetClass";
    TARGET_NODE = "targetNode";
    TARGET_SUBJECTS_OF = "targetSubjectsOf";
    TARGET_OBJECTS_OF = "targetObjectsOf";
    TARGET = "target";
    PATH = "path";
    INVERSE_PATH = "inversePath";
    PROPERTY = "property";
    NODE = "node";
    OR = "or";
    CLASS = "class";
    DATATYPE = "datatype";
    NODE_KIND = "nodeKind";
    MIN_COUNT = "minCount";
    MAX_COUNT = "maxCount";
    MIN_INCLUSIVE = "minInclusive";
    MAX_INCLUSIVE = "maxInclusive";
    MIN_LENGTH = "minLength";
    MAX_LENGTH = "maxLength";
    PATTERN = "pattern";
    FLAGS = "flags";
    LANGUAGE_IN = "languageIn";
    UNIQUE_LANG = "uniqueLang";
    IN = "in";
    HAS_VALUE = "hasValue";
    MESSAGE = "message";
    SEVERITY = "severity";
    DEACTIVATED = "deactivated";
    NAME = "name";
    DESCRIPTION = "description";
    ORDER = "order";
    GROUP = "group";
    DEFAULT_VALUE = "defaultValue";

    IRI = "IRI";
    BLANK_NODE = "BlankNode";
    LITERAL = "Literal";
    BLANK_NODE_OR_IRI = "BlankNodeOrIRI";
    BLANK_NODE_OR_LITERAL = "BlankNodeOrLiteral";
    IRI_OR_LITERAL = "IRIOrLiteral";

    VIOLATION = "Violation";
    WARNING = "Warning";
    INFO = "Info";

    VALIDATION_REPORT = "ValidationReport";
    VALIDATION_RESULT = "ValidationResult";
    CONFORMS = "conforms";
    RESULT = "result";
    FOCUS_NODE = "focusNode";
    RESULT_PATH = "resultPath";
    VALUE = "value";
    SOURCE_CONSTRAINT_COMPONENT = "sourceConstraintComponent";
    SOURCE_SHAPE = "sourceShape";
    RESULT_SEVERITY = "resultSeverity";
    RESULT_MESSAGE = "resultMessage";

    CLASS_COMPONENT = "ClassConstraintComponent";
    DATATYPE_COMPONENT = "DatatypeConstraintComponent";
    NODE_KIND_COMPONENT = "NodeKindConstraintComponent";
    MIN_COUNT_COMPONENT = "MinCountConstraintComponent";
    MAX_COUNT_COMPONENT = "MaxCountConstraintComponent";
    MIN_INCLUSIVE_COMPONENT = "MinInclusiveConstraintComponent";
    MAX_INCLUSIVE_COMPONENT = "MaxInclusiveConstraintComponent";
    MIN_LENGTH_COMPONENT = "MinLengthConstraintComponent";
    MAX_LENGTH_COMPONENT = "MaxLengthConstraintComponent";
    PATTERN_COMPONENT = "PatternConstraintComponent";
    LANGUAGE_IN_COMPONENT = "LanguageInConstraintComponent";
    UNIQUE_LANG_COMPONENT = "UniqueLangConstraintComponent";
    IN_COMPONENT = "InConstraintComponent";
    HAS_VALUE_COMPONENT = "HasValueConstraintComponent";
    OR_COMPONENT = "OrConstraintComponent";
    NODE_COMPONENT = "NodeConstraintComponent";
}

/// The SHACL terms a shape may carry: the supported constraint parameters, targets, path,
/// result annotations and the non-validating properties.
pub const SHAPE_PREDICATES: [NamedNodeRef<'static>; 29] = [
    TARGET_CLASS,
    TARGET_NODE,
    PATH,
    PROPERTY,
    NODE,
    OR,
    CLASS,
    DATATYPE,
    NODE_KIND,
    MIN_COUNT,
    MAX_COUNT,
    MIN_INCLUSIVE,
    MAX_INCLUSIVE,
    MIN_LENGTH,
    MAX_LENGTH,
    PATTERN,
    FLAGS,
    LANGUAGE_IN,
    UNIQUE_LANG,
    IN,
    HAS_VALUE,
    MESSAGE,
    SEVERITY,
    DEACTIVATED,
    NAME,
    DESCRIPTION,
    ORDER,
    GROUP,
    DEFAULT_VALUE,
];
