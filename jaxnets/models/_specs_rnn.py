"""Registry entries for recurrent and sequence models.

Their inputs are integer token ids (B, T): initialise a train state for them with
``init_state(..., dtype=jnp.int32)``. ``num_classes`` is the vocabulary size V for the
character models (the next token is the class) and the number of labels for the classifier.
"""

from jaxnets.models._rnn import CharLM
from jaxnets.models._sequence import SequenceClassifier
from jaxnets.models._spec import ArchitectureSpec, ModelSpec

_CHAR_T = 16  # the names data set's sequence length (15 letters + the start/end token)


def _char_lm(cell: str):
    def build(num_classes: int, **kw) -> CharLM:
        return CharLM(vocab_size=num_classes, **{"cell": cell, **kw})

    return build


SPECS: dict[str, ModelSpec] = {
    "char_rnn": ModelSpec(
        _char_lm("rnn"),
        "sequence_softmax_cross_entropy",
        (_CHAR_T,),
        input_dtype="int32",
        description="character-level language model, simple tanh RNN (tokens -> next token)",
    ),
    "char_lstm": ModelSpec(
        _char_lm("lstm"),
        "sequence_softmax_cross_entropy",
        (_CHAR_T,),
        input_dtype="int32",
        description="character-level language model, LSTM (tokens -> next token)",
    ),
    "char_gru": ModelSpec(
        _char_lm("gru"),
        "sequence_softmax_cross_entropy",
        (_CHAR_T,),
        input_dtype="int32",
        description="character-level language model, GRU (tokens -> next token)",
    ),
    "sequence_classifier": ModelSpec(
        lambda num_classes, **kw: SequenceClassifier(num_classes, **kw),
        "softmax_cross_entropy",
        (_CHAR_T,),
        input_dtype="int32",
        description="many-to-one GRU classifier over tokens, mean-pooled hidden state",
        defaults={"vocab_size": 32},
    ),
}

ARCHITECTURES: dict[str, ArchitectureSpec] = {}
